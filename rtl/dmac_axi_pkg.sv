// The AXI engines' package: the job they work on and the burst legalizer.
//
// The job: what a channel asks the issue stage for, one at a time (see
// dmac_channel). The granted channel's job (dmac_channel, selected by the
// arbiter's grant) is taken by the read engine (dmac_axi_read), which cuts a
// data job to a chunk, gives it a slot and reads it; the write engine
// (dmac_axi_write) writes the slot, looking at the kind, channel and flags
// the slot table keeps of the job.
//
// The legalizer: every 4 KiB and burst-length rule of the controller, used by
// the issue stage (chunk size, read bursts), the write engine (write bursts)
// and the channels (descriptor prefetch bursts). Functions of the bus geometry passed as arguments:
// wb = log2(DATA_W / 8), max_burst = MAX_BURST.
//
// A data chunk (one slot: one read job, one write job) holds at most
// max_burst beats on either side. Its incrementing sides are INCR bursts of
// full-width beats from the beat-aligned address, never across 4 KiB: a side
// whose beats straddle a boundary is issued as two bursts split there.
package dmac_axi_pkg;

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

  // Beats of an INCR burst of `beats` beats from the beat-aligned address
  // `aligned` (its low 12 bits) that lie below the next 4 KiB boundary: all
  // of them, or the first burst of a split.
  function automatic logic [8:0] first_burst(input logic [11:0] aligned, input logic [8:0] beats, input int wb);
    logic [12:0] room;
    room = (13'd4096 - 13'(aligned)) >> wb;
    return (13'(beats) < room) ? beats : 9'(room);
  endfunction

  // Descriptors of a prefetch burst (dmac_channel) from the 32 B aligned
  // `addr` (its low 12 bits): `want` of them, or as many as lie below the
  // next 4 KiB boundary (at least one).
  function automatic logic [8:0] desc_burst(input logic [11:0] addr, input logic [8:0] want);
    logic [8:0] room;
    room = 9'((13'd4096 - 13'(addr)) >> 5);
    return (want < room) ? want : room;
  endfunction

  // Chunk limit (bytes) of one side next to a fixed side (a peripheral flow):
  // a whole number of fixed-side beats; an incrementing side stops at the end
  // of the slot or at 4 KiB, and if it is less than one fixed-side beat short
  // of a boundary the chunk straddles it (that side is then split by
  // first_burst).
  function automatic logic [13:0] side_limit(input logic [11:0] addr, input logic inc, input logic [2:0] width,
                                             input int max_burst, input int wb);
    logic [11:0] lane;   // byte lane of the first byte
    logic [13:0] to_slot, to_4k, lim, beat_mask;
    if (!inc) return 14'(max_burst << width);
    lane      = addr & 12'((32'd1 << wb) - 32'd1);
    to_slot   = 14'(max_burst << wb) - 14'(lane);
    to_4k     = 14'd4096 - 14'(addr);
    lim       = (to_slot < to_4k) ? to_slot : to_4k;
    beat_mask = 14'((32'd1 << width) - 32'd1);
    lim       = lim & ~beat_mask;
    if (lim == '0) lim = 14'(32'd1 << width);
    return lim;
  endfunction

  // Chunk limit (bytes) with both sides incrementing (whole-beat realignment,
  // dmac_axi_read): max_burst destination beats from the chunk's first
  // (ending on a beat boundary, never past 4 KiB on that side), or fewer if
  // the source beats would not fit in max_burst beats. A chunk that
  // continues its channel's carry (cin) reads from the beat after the carried
  // one, so the carried bytes fit on top; its source may straddle 4 KiB
  // (first_burst splits it).
  function automatic logic [13:0] realign_limit(input logic [11:0] src, input logic [11:0] dst, input logic cin,
                                                input int max_burst, input int wb);
    logic [11:0] lane_mask, src_lane, dst_lane;
    logic [13:0] to_burst, to_4k, room;
    lane_mask = 12'((32'd1 << wb) - 32'd1);
    src_lane  = src & lane_mask;
    dst_lane  = dst & lane_mask;
    to_burst  = 14'(max_burst << wb) - 14'(dst_lane);
    to_4k     = 14'd4096 - 14'(dst);
    if (to_4k < to_burst) to_burst = to_4k;
    room      = 14'(max_burst << wb) - 14'(src_lane) + (cin ? 14'(32'd1 << wb) : 14'd0);
    return (room < to_burst) ? room : to_burst;
  endfunction

endpackage
