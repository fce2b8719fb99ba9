// The AXI engines' job: what a channel asks the issue stage for, one at a
// time (see dmac_channel). The granted channel's job (dmac_channel, selected
// by the arbiter's grant) is taken by the read engine (dmac_axi_read), which
// cuts a data job to a chunk, gives it a slot and reads it; the write engine
// (dmac_axi_write) writes the slot, looking at the kind, channel and flags
// the slot table keeps of the job. Named so this file sorts before the
// modules that import it (`verilator --lint-only -Wall rtl/*.sv`).
package dmac_axi_job_pkg;

  // A descriptor read (one descriptor or a prefetch burst of several), a data
  // chunk, or a status write-back.
  typedef enum logic [1:0] {
    JOB_DESC = 2'd0,
    JOB_DATA = 2'd1,
    JOB_WB   = 2'd2
  } job_kind_e;

  // Field order: the two addresses take the low 64 bits, so each sits in its
  // own 32-bit word of the packed vector (a Verilated model stores more than
  // 64 bits as an array of words: an aligned field is a plain word read).
  typedef struct packed {
    job_kind_e   kind;
    logic [23:0] len;      // data: bytes available (the issue stage cuts the chunk); desc 32 n, wb 4
    logic        src_inc;
    logic        dst_inc;
    logic [2:0]  width;    // log2 bytes of a fixed side's beats
    logic [31:0] src;      // descriptor address / source / write-back data
    logic [31:0] dst;      // destination / write-back address
  } job_t;

endpackage
