// One DMA channel: descriptor fetch and validation, splitting a descriptor
// into bursts ("chunks"), peripheral request handshake, pause / abort / error,
// residue, interrupts.
//
// The channel never touches AXI itself. It asks the shared issue stage for one
// job at a time (a descriptor read, a data chunk, or a status write-back) and
// follows the progress of its jobs through the events the read and write
// engines report (descriptor beats, read errors, write responses). `busy_i`
// says whether any job of this channel is still in flight anywhere; drains
// (pause, abort, error, end of descriptor) wait for it to drop.
module dmac_channel
  import dmac_abi_pkg::*;
#(
  parameter int NUM_REQ   = 16,
  parameter int DATA_W    = 64
) (
  input  logic               clk,
  input  logic               rst_n,
  // register block
  input  logic               doorbell_i,      // DOORBELL written (pulse)
  input  logic [31:0]        doorbell_addr_i,
  input  logic               abort_i,         // CTRL.ABORT written with 1 (pulse)
  input  logic               pause_i,         // CTRL.PAUSE level
  input  logic               wb_en_i,         // CTRL.WB_EN level
  input  logic [2:0]         irq_clr_i,       // IRQ_STATUS W1C (pulse per bit)
  // issue stage
  output logic               req_valid_o,
  output logic [1:0]         req_kind_o,      // JOB_*
  output logic [31:0]        req_src_o,       // descriptor address / source / write-back data
  output logic [31:0]        req_dst_o,       // destination / write-back address
  output logic [23:0]        req_len_o,       // data: bytes available (the issue stage cuts the chunk); desc 32, wb 4
  output logic               req_src_inc_o,
  output logic               req_dst_inc_o,
  output logic [2:0]         req_width_o,
  input  logic               grant_i,
  input  logic [12:0]        grant_len_i,     // bytes of the granted job (data: the chunk, legalized by the issue stage)
  // progress events from the engines
  input  logic               desc_beat_i,     // a descriptor beat for this channel
  input  logic [3:0]         desc_beat_idx_i, // beat number inside the descriptor read burst
  input  logic [DATA_W-1:0]  desc_beat_data_i,
  input  logic               rd_err_i,        // read error on one of this channel's jobs
  input  logic               rd_err_desc_i,
  input  logic [1:0]         rd_err_resp_i,
  input  logic [31:0]        rd_err_addr_i,
  input  logic               bresp_i,         // a write response for this channel
  input  logic               bresp_wb_i,
  input  logic               bresp_killed_i,  // a beat of that burst was killed (not written)
  input  logic [12:0]        bresp_len_i,
  input  logic [1:0]         bresp_resp_i,
  input  logic [31:0]        bresp_addr_i,
  input  logic               busy_i,          // any job of this channel in flight
  output logic               stop_o,          // issue no new write burst (abort or error drain)
  output logic               kill_o,          // clear the strobes of this channel's remaining beats (data error)
  // peripheral handshake
  input  logic [NUM_REQ-1:0] dreq_burst_i,
  input  logic [NUM_REQ-1:0] dreq_single_i,
  output logic [NUM_REQ-1:0] dclr_o,
  output logic [NUM_REQ-1:0] dtc_o,
  // status for the register block
  output logic [1:0]         state_o,
  output logic               aborted_o,
  output logic               wait_req_o,
  output logic               busy_err_o,
  output logic [3:0]         err_code_o,
  output logic [1:0]         err_resp_o,
  output logic [31:0]        err_addr_o,
  output logic [31:0]        cur_desc_o,
  output logic [31:0]        remaining_o,
  output logic [2:0]         irq_raw_o,
  output logic [31:0]        tc_count_o,
  output logic               quiet_o          // nothing will change without an input change
);
  localparam int W    = DATA_W / 8;
  localparam int WB   = $clog2(W);
  localparam int DESC_BEATS = 32 / W;
  // Descriptor prefetch ring: PF_G descriptors per speculative read burst
  // (128 B at 64/128-bit, 64 B at 32-bit: at most 16 beats, within MAX_BURST
  // >= 16), PF_N = two bursts' worth of descriptors per channel.
  localparam int PF_G  = (W >= 8) ? 4 : 2;
  localparam int PF_N  = 2 * PF_G;
  localparam int PIW   = $clog2(PF_N);
  // Retire queue: descriptors fully issued whose write responses are still
  // outstanding, behind the oldest one (ret_*): RQ_N + 1 descriptors can
  // retire while the current one issues.
  localparam int RQ_N  = 7;
  localparam int RQW   = $clog2(RQ_N + 1);
  localparam int DIW   = (DESC_BEATS > 1) ? $clog2(DESC_BEATS) : 1;
  // Entry n places after entry i of the retire queue (i, n < RQ_N).
  function automatic logic [RQW-1:0] rq_index(input logic [RQW-1:0] i, input logic [RQW-1:0] n);
    int s;
    s = int'(i) + int'(n);
    return RQW'((s >= RQ_N) ? s - RQ_N : s);
  endfunction

  // Job kinds (shared with the engines).
  localparam logic [1:0] JOB_DESC = 2'd0;
  localparam logic [1:0] JOB_DATA = 2'd1;
  localparam logic [1:0] JOB_WB   = 2'd2;

  typedef enum logic [3:0] {
    S_IDLE,        // nothing to do
    S_FETCH,       // asking for the descriptor read
    S_FETCH_WAIT,  // descriptor beats arriving
    S_DECODE,      // validate, load working registers
    S_XFER,        // issuing data chunks
    S_WAIT_REQ,    // peripheral flow: waiting for a request line
    S_REQ_DRAIN,   // peripheral flow: request issued, waiting for its B responses
    S_DCLR,        // peripheral flow: dclr held until the requests drop
    S_DESC_DRAIN,  // descriptor fully issued, waiting for completion (then write-back)
    S_WB,          // asking for the status write-back
    S_PAUSING,     // pause requested, waiting for in-flight jobs
    S_PAUSED,
    S_PF_WAIT,     // next descriptor was prefetched: wait for its beats, then decode
    S_DRAIN,       // abort or error: waiting for in-flight jobs, writing nothing
    S_ERROR
  } state_e;

  state_e      state_q, resume_q;
  logic [31:0] desc_addr_q;        // descriptor in progress (CUR_DESC)
  logic        desc_loaded_q;      // its fields are valid (else REMAINING reads all ones)
  // Descriptor words 0..4 (bytes 0x00..0x13) as fetched, one 32-bit register
  // each (SRC, DST, NEXT, LEN, CTRL): no wide vector to rebuild every cycle.
  localparam int WPB = W / 4;      // descriptor words per data beat
  logic [31:0] raw_q [5];
  logic [31:0] cur_src_q, cur_dst_q;
  logic [23:0] rem_issue_q;        // bytes not yet issued
  logic [23:0] rem_done_q;         // bytes whose write response has not arrived
  // Retiring descriptor: fully issued, its last writes still in flight while
  // the next descriptor is already fetched and issued (hides the fetch
  // latency). Same-ID write responses arrive in order, so every response goes
  // to the retiring descriptor first; CUR_DESC/REMAINING show the oldest
  // descriptor with unacknowledged bytes, which keeps the residue exact.
  // ret_valid_q routes responses: it stays set until every burst of the
  // retiring descriptor has been answered (ret_out_q), whatever the response.
  // ret_rem_q is the residue (OKAY responses only). If one of its responses is
  // an error (ret_err_q), CUR_DESC/REMAINING keep showing it (the channel stops
  // there) although later responses go to the current descriptor.
  logic        ret_valid_q;
  logic [31:0] ret_addr_q;
  logic [23:0] ret_rem_q;
  logic [23:0] ret_out_q;          // bytes whose write response (any) has not arrived
  logic        ret_err_q;
  logic        ret_tc_q;           // raise TC when it completes
  // An abort or error drain kills every pending write of the channel, the
  // retiring descriptor's included: a response to a burst with a killed beat
  // still retires its bytes from the bookkeeping, but that descriptor did not
  // reach memory and must never raise TC / count in TC_COUNT.
  logic        ret_lost_q;
  // The current descriptor's own bookkeeping for an abort: cur_lost_q = one of
  // its bursts had a killed beat or a non-OKAY response; cur_pend_tc_q = the
  // abort arrived after all of its bytes were issued and before its TC was
  // raised. Such a descriptor still completes (TC / TC_COUNT) at the end of the
  // abort drain if every one of its bytes got an OKAY response un-killed.
  logic        cur_lost_q;
  logic        cur_pend_tc_q;
  // Later retiring descriptors, oldest first, behind ret_*: address, bytes
  // (none of their responses has arrived yet: responses go to the oldest
  // retiring descriptor first) and whether they raise TC. A circular buffer:
  // rq_cnt_q entries from rq_head_q on; entries are written once (at a
  // hand-over) and never moved.
  logic [31:0]    rq_addr_q  [RQ_N];
  logic [23:0]    rq_bytes_q [RQ_N];
  logic [RQ_N-1:0] rq_tc_q;
  logic [RQW-1:0] rq_cnt_q, rq_head_q;
  // CUR_DESC / REMAINING after a write error on a retiring descriptor: that
  // descriptor (the channel stops there) while responses keep being routed to
  // the later ones. show_live_q: it is still the oldest retiring descriptor
  // (its OKAY responses still lower REMAINING).
  logic [31:0] show_addr_q;
  logic [23:0] show_rem_q;
  logic        show_live_q;
  // Descriptor prefetch (memory-to-memory chains without WB_EN): while the
  // current descriptor issues, the channel reads the next descriptor, and
  // when the chain is contiguous (NEXT = this + 32) the PF_G descriptors from
  // there in one burst, then further contiguous bursts while the ring has
  // room. The ring holds the descriptors at pf_lo_q, pf_lo_q + 32, ... (slot =
  // address bits [5 +: PIW]): pf_cnt_q arrived, then pf_fly_q of the bursts
  // in flight. The next descriptor is taken from the ring only if NEXT equals
  // pf_lo_q; otherwise the ring is dropped and the descriptor fetched. A read
  // error is held with its descriptor until the chain actually gets there.
  // Coherence (docs/dmac-spec.md, "Descriptor prefetch"): the ring is emptied
  // at every doorbell, so nothing read before a doorbell is used after it.
  logic [31:0]    pf_raw_q [PF_N*5];
  logic [PF_N-1:0] pf_err_q;
  // The descriptor was read on its own (a burst of one): an error on it is
  // its own. A burst of several may fail as a whole for one bad address (AXI
  // allows an error response on every beat), so an errored descriptor of
  // such a burst is read again alone when the chain reaches it.
  logic [PF_N-1:0] pf_alone_q;
  logic [1:0]     pf_err_resp_q [PF_N];
  logic [31:0]    pf_lo_q;
  logic [PIW:0]   pf_cnt_q, pf_fly_q;
  logic           pf_en_q;           // the current descriptor may prefetch
  logic           pf_req;            // this cycle's job request is a prefetch
  logic [31:0]    pf_fa;             // its address
  logic [PIW:0]   pf_n;              // its descriptors
  logic [31:0]    pf_lo_d;
  logic [PIW:0]   pf_cnt_d, pf_fly_d;
  logic [PIW-1:0] pf_lo_slot, pf_beat_slot;
  logic           pf_arrive, pf_hit, pf_take, pf_miss, pf_keep, pf_drop, pf_refetch;
  logic           ret_pop;           // the oldest retiring descriptor's last response
  logic [RQW-1:0] rq_push;           // queue position (from the oldest) a hand-over writes
  logic [RQW-1:0] rq_wr;             // its entry in the buffer
  logic [23:0] req_left_q;         // bytes left of the current peripheral request
  logic        wb_done_q;
  logic        drain_err_q;        // S_DRAIN ends in ERROR (else IDLE + ABORTED)
  // The drain is for a descriptor error (fetch or validation of the next
  // descriptor): that descriptor has no data in flight, so the only pending
  // writes belong to the retiring descriptor, whose data was all read
  // successfully. They are not killed: it completes (TC included) before the
  // error is reported. Any abort or data error clears this and kills them.
  logic        drain_keep_q;
  // A data bus error happened: the data of bursts already issued may never
  // arrive, so their remaining beats go out with WSTRB = 0. An abort alone
  // never sets this: the reads of bursts already issued do complete (no AXI
  // transaction is abandoned), so those bursts finish with their data.
  logic        drain_kill_q;
  logic        aborted_q, busy_err_q;
  logic [3:0]  err_code_q;
  logic [1:0]  err_resp_q;
  logic [31:0] err_addr_q;
  logic [2:0]  irq_raw_q;
  logic [31:0] tc_count_q;
  logic        dtc_pulse_q;

  // Descriptor fields.
  logic [31:0] d_src, d_dst, d_next, d_len, d_ctrl;
  // Word k of raw_q is descriptor byte offset 4 k (offsets from the package).
  assign d_src  = raw_q[3'(DMAC_DESC_SRC >> 2)];
  assign d_dst  = raw_q[3'(DMAC_DESC_DST >> 2)];
  assign d_next = raw_q[3'(DMAC_DESC_NEXT >> 2)];
  assign d_len  = raw_q[3'(DMAC_DESC_LEN >> 2)];
  assign d_ctrl = raw_q[3'(DMAC_DESC_CTRL >> 2)];

  logic        c_irq, c_src_inc, c_dst_inc;
  logic [1:0]  c_flow;
  logic [2:0]  c_width;
  logic [7:0]  c_burst;
  logic [4:0]  c_req;
  logic [10:0] c_rsvd;
  assign c_irq     = d_ctrl[DMAC_DESC_CTRL_IRQ_SHIFT];
  assign c_flow    = d_ctrl[DMAC_DESC_CTRL_FLOW_SHIFT +: 2];
  assign c_src_inc = d_ctrl[DMAC_DESC_CTRL_SRC_INC_SHIFT];
  assign c_dst_inc = d_ctrl[DMAC_DESC_CTRL_DST_INC_SHIFT];
  assign c_width   = d_ctrl[DMAC_DESC_CTRL_WIDTH_SHIFT +: 3];
  assign c_burst   = d_ctrl[DMAC_DESC_CTRL_BURST_SHIFT +: 8];
  assign c_req     = d_ctrl[DMAC_DESC_CTRL_REQ_SHIFT +: 5];
  assign c_rsvd    = d_ctrl[DMAC_DESC_CTRL_RSVD_SHIFT +: 11];

  logic periph;
  assign periph = (c_flow == DMAC_FLOW_MEM2PER) || (c_flow == DMAC_FLOW_PER2MEM);

  // ---------------------------------------------------------------- decode
  // Validation order = error-code order (first failing check wins). A
  // function called in S_DECODE only, so a simulator evaluates it there and
  // not in every cycle of every channel.
  function automatic logic [3:0] decode_error();
    logic [23:0] width_mask;   // (1 << WIDTH) - 1
    logic        fixed_bad;    // a fixed side must be WIDTH aligned and LEN a whole number of beats
    width_mask = 24'((32'd1 << c_width) - 32'd1);
    fixed_bad  = (!c_src_inc && (d_src[23:0] & width_mask) != '0) ||
                 (!c_dst_inc && (d_dst[23:0] & width_mask) != '0) ||
                 ((!c_src_inc || !c_dst_inc) && (d_len[23:0] & width_mask) != '0);
    // One expression (Verilator's coverage counts no branch of an early
    // return in a function; the error kinds have their own cover points).
    return (d_len[23:0] == '0 || d_len[31:24] != '0)                  ? DMAC_ERR_DESC_LEN   :
           (c_rsvd != '0 || c_flow == 2'd3 || int'(c_width) > WB)      ? DMAC_ERR_DESC_RSVD  :
           (d_next[4:0] != '0)                                         ? DMAC_ERR_DESC_ALIGN :
           (periph && int'(c_req) >= NUM_REQ)                          ? DMAC_ERR_DESC_REQ   :
           fixed_bad                                                   ? DMAC_ERR_DESC_FIXED : DMAC_ERR_NONE;
  endfunction

  // ------------------------------------------------------------ chunk size
  // The channel offers what is left (of the descriptor, or of the current
  // peripheral request); the shared issue stage (dmac_axi_read) cuts the
  // granted channel's chunk to a legal burst and reports its length back in
  // grant_len_i. Only one legalizer runs per cycle, not one per channel.
  logic [23:0] avail;
  assign avail = periph ? req_left_q : rem_issue_q;

  // Peripheral request size in bytes (a burst or a single), capped by what is
  // left of the descriptor; evaluated in S_WAIT_REQ only.
  function automatic logic [23:0] req_bytes(input logic burst);
    logic [23:0] b;
    b = burst ? 24'((32'(c_burst) + 32'd1) << c_width) : 24'(32'd1 << c_width);
    return (b < rem_issue_q) ? b : rem_issue_q;
  endfunction

  localparam int RW = (NUM_REQ > 1) ? $clog2(NUM_REQ) : 1;
  logic [RW-1:0] req_idx;   // request line (validated < NUM_REQ before use)
  assign req_idx = (int'(c_req) < NUM_REQ) ? RW'(c_req) : '0;

  logic dreq_b, dreq_s, dreq_any;
  assign dreq_b   = dreq_burst_i[req_idx];
  assign dreq_s   = dreq_single_i[req_idx];
  assign dreq_any = dreq_b || dreq_s;

  // ---------------------------------------------------------- job request
  always_comb begin
    req_valid_o   = 1'b0;
    req_kind_o    = JOB_DATA;
    req_src_o     = cur_src_q;
    req_dst_o     = cur_dst_q;
    req_len_o     = avail;
    req_src_inc_o = c_src_inc;
    req_dst_inc_o = c_dst_inc;
    req_width_o   = c_width;
    unique case (state_q)
      S_FETCH: begin
        req_valid_o   = !abort_i;
        req_kind_o    = JOB_DESC;
        req_src_o     = desc_addr_q;
        req_len_o     = 24'd32;
        req_src_inc_o = 1'b1;
        req_dst_inc_o = 1'b1;
        req_width_o   = 3'(WB);
      end
      S_XFER: begin
        // Data chunks and prefetch bursts (see pf_req).
        req_valid_o = !pause_i && !abort_i && !rd_err_i && !(bresp_i && bresp_resp_i != 2'b00);
        if (pf_req) begin
          req_kind_o    = JOB_DESC;
          req_src_o     = pf_fa;
          req_len_o     = 24'(pf_n) << 5;
          req_src_inc_o = 1'b1;
          req_dst_inc_o = 1'b1;
          req_width_o   = 3'(WB);
        end
      end
      S_WB: begin
        req_valid_o   = !abort_i;
        req_kind_o    = JOB_WB;
        req_src_o     = DMAC_DESC_STATUS_DONE | d_len;
        req_dst_o     = desc_addr_q + 32'(DMAC_DESC_STATUS);
        req_len_o     = 24'd4;
        req_src_inc_o = 1'b1;
        req_dst_inc_o = 1'b1;
        req_width_o   = 3'd2;
      end
      default: ;
    endcase
  end

  // Prefetch request: the ring is empty (read at NEXT: PF_G descriptors if
  // the chain is contiguous here, else one), or it starts at NEXT and the
  // chain is contiguous (read on after the last descriptor in the ring).
  // Never across 4 KiB, only with room in the ring for PF_G more.
  logic        pf_empty, pf_contig;
  logic [31:0] pf_room;             // descriptors up to the 4 KiB boundary
  assign pf_empty  = pf_cnt_q == '0 && pf_fly_q == '0;
  assign pf_contig = d_next == desc_addr_q + 32'd32;
  // Address and size of the burst, only when a prefetch is requested (every
  // use is qualified by pf_req, so a simulator skips it in other cycles).
  always_comb begin
    pf_fa   = '0;
    pf_room = '0;
    pf_n    = '0;
    if (pf_req) begin
      pf_fa   = pf_empty ? d_next : pf_lo_q + ((32'(pf_cnt_q) + 32'(pf_fly_q)) << 5);
      pf_room = (32'd4096 - 32'(pf_fa[11:0])) >> 5;
      pf_n    = (pf_contig && pf_room >= 32'(PF_G)) ? (PIW+1)'(PF_G) : pf_contig ? (PIW+1)'(pf_room) : (PIW+1)'(1);
    end
  end
  // Only in S_XFER, where it has priority over the data job: a request
  // refused there stays refused until the next descriptor (arrivals keep
  // pf_cnt_q + pf_fly_q, NEXT does not change).
  logic pf_extend;
  assign pf_extend = pf_contig && pf_lo_q == d_next && !pf_empty &&
                     32'(pf_cnt_q) + 32'(pf_fly_q) + 32'(PF_G) <= 32'(PF_N);
  assign pf_req = pf_en_q && state_q == S_XFER && (pf_empty || pf_extend);

  // -------------------------------------------------------------- events
  logic        bus_err;       // an error reported this cycle
  logic [3:0]  bus_err_code;
  logic [1:0]  bus_err_resp;
  logic [31:0] bus_err_addr;
  always_comb begin
    bus_err      = 1'b0;
    bus_err_code = DMAC_ERR_NONE;
    bus_err_resp = 2'b00;
    bus_err_addr = '0;
    if (rd_err_i && !(rd_err_desc_i && pf_fly_q != '0)) begin
      bus_err      = 1'b1;
      bus_err_code = rd_err_desc_i ? DMAC_ERR_DESC_READ : DMAC_ERR_DATA_READ;
      bus_err_resp = rd_err_resp_i;
      bus_err_addr = rd_err_addr_i;
    end else if (bresp_i && bresp_resp_i != 2'b00) begin
      bus_err      = 1'b1;
      bus_err_code = DMAC_ERR_DATA_WRITE;
      bus_err_resp = bresp_resp_i;
      bus_err_addr = bresp_addr_i;
    end
  end

  logic idle_like;  // states in which a doorbell is accepted
  assign idle_like = (state_q == S_IDLE) || (state_q == S_ERROR);

  logic tc_event, err_event, abort_event;
  logic tc_drain, tc_handoff, tc_retire, tc_abort, handoff;
  logic b_data;                 // a data write response for this channel (any response)
  logic b_good;                 // a good data write response for this channel
  logic b_lost;                 // ... that says its bytes did not (all) reach memory
  logic b_written;              // OKAY and none of its beats killed: its bytes are written
  logic [23:0] rem_done_next;
  assign b_data        = bresp_i && !bresp_wb_i;
  assign b_good        = b_data && bresp_resp_i == 2'b00;
  assign b_lost        = b_data && (bresp_killed_i || bresp_resp_i != 2'b00);
  assign b_written     = b_good && !bresp_killed_i;
  // REMAINING counts bytes not written: a killed burst's OKAY retires none.
  assign rem_done_next = rem_done_q - ((b_written && !ret_valid_q) ? 24'(bresp_len_i) : 24'd0);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state_q       <= S_IDLE;
      resume_q      <= S_XFER;
      desc_addr_q   <= '0;
      desc_loaded_q <= 1'b0;
      raw_q         <= '{default: '0};
      cur_src_q     <= '0;
      cur_dst_q     <= '0;
      rem_issue_q   <= '0;
      rem_done_q    <= '0;
      ret_valid_q   <= 1'b0;
      ret_addr_q    <= '0;
      ret_rem_q     <= '0;
      ret_out_q     <= '0;
      ret_err_q     <= 1'b0;
      ret_tc_q      <= 1'b0;
      ret_lost_q    <= 1'b0;
      cur_lost_q    <= 1'b0;
      cur_pend_tc_q <= 1'b0;
      rq_addr_q     <= '{default: '0};
      rq_bytes_q    <= '{default: '0};
      rq_tc_q       <= '0;
      rq_cnt_q      <= '0;
      rq_head_q     <= '0;
      show_addr_q   <= '0;
      show_rem_q    <= '0;
      show_live_q   <= 1'b0;
      pf_raw_q      <= '{default: '0};
      pf_err_q      <= '0;
      pf_alone_q    <= '0;
      pf_err_resp_q <= '{default: '0};
      pf_lo_q       <= '0;
      pf_cnt_q      <= '0;
      pf_fly_q      <= '0;
      pf_en_q       <= 1'b0;
      req_left_q    <= '0;
      wb_done_q     <= 1'b0;
      drain_err_q   <= 1'b0;
      drain_keep_q  <= 1'b0;
      drain_kill_q  <= 1'b0;
      aborted_q     <= 1'b0;
      busy_err_q    <= 1'b0;
      err_code_q    <= DMAC_ERR_NONE;
      err_resp_q    <= 2'b00;
      err_addr_q    <= '0;
      irq_raw_q     <= '0;
      tc_count_q    <= '0;
      dtc_pulse_q   <= 1'b0;
    end else begin
      dtc_pulse_q <= 1'b0;
      pf_lo_q     <= pf_lo_d;
      pf_cnt_q    <= pf_cnt_d;
      pf_fly_q    <= pf_fly_d;
      // A granted burst's slots learn whether it reads one descriptor.
      if (grant_i && pf_req) begin
        for (int k = 0; k < PF_G; k++)
          if (k < int'(pf_n)) pf_alone_q[pf_fa[5 +: PIW] + PIW'(k)] <= pf_n == (PIW+1)'(1);
      end
      // Event wins over a same-cycle clear.
      irq_raw_q <= (irq_raw_q & ~irq_clr_i) | {abort_event, err_event, tc_event};
      tc_count_q <= tc_count_q + 32'(tc_drain) + 32'(tc_handoff) + 32'(tc_retire) + 32'(tc_abort);

      // Residue: every good data write response retires its bytes, oldest
      // descriptor first. Every data write response (error included) answers
      // its bytes: responses go to the retiring descriptor until all of its
      // bursts are answered, then to the current one.
      rem_done_q <= rem_done_next;
      if (b_data && ret_valid_q) begin
        if (b_written) ret_rem_q <= ret_rem_q - 24'(bresp_len_i);
        ret_out_q <= ret_out_q - 24'(bresp_len_i);
        if (b_lost) ret_lost_q <= 1'b1;
        if (show_live_q && b_written) show_rem_q <= show_rem_q - 24'(bresp_len_i);
        if (bresp_resp_i != 2'b00 && !ret_err_q) begin
          ret_err_q   <= 1'b1;
          show_addr_q <= ret_addr_q;
          show_rem_q  <= ret_rem_q;
          show_live_q <= 1'b1;
        end
        if (ret_pop) begin
          show_live_q <= 1'b0;
          // The next retiring descriptor (if any) becomes the oldest.
          ret_valid_q <= rq_cnt_q != '0;
          ret_addr_q  <= rq_addr_q[rq_head_q];
          ret_rem_q   <= rq_bytes_q[rq_head_q];
          ret_out_q   <= rq_bytes_q[rq_head_q];
          ret_tc_q    <= rq_tc_q[rq_head_q];
          ret_lost_q  <= 1'b0;
          if (rq_cnt_q != '0) begin
            rq_head_q <= rq_index(rq_head_q, RQW'(1));
            rq_cnt_q  <= rq_cnt_q - 1'b1;
          end
        end
      end
      if (b_lost && !ret_valid_q) cur_lost_q <= 1'b1;

      // Descriptor beats land in the raw image (bytes 0x00..0x13 are used),
      // or, for a prefetch burst, in the ring.
      // A beat carries words idx * WPB .. idx * WPB + WPB - 1 (one write per
      // word lane, not one per descriptor word).
      if (desc_beat_i && pf_fly_q != '0) begin
        for (int j = 0; j < WPB; j++) begin
          if (int'(desc_beat_idx_i[DIW-1:0]) * WPB + j < 5)
            pf_raw_q[int'(pf_beat_slot) * 5 + int'(desc_beat_idx_i[DIW-1:0]) * WPB + j] <= desc_beat_data_i[j*32 +: 32];
        end
        if (desc_beat_idx_i[DIW-1:0] == '0) begin
          pf_err_q[pf_beat_slot]      <= rd_err_i && rd_err_desc_i;
          pf_err_resp_q[pf_beat_slot] <= rd_err_resp_i;
        end else if (rd_err_i && rd_err_desc_i && !pf_err_q[pf_beat_slot]) begin
          pf_err_q[pf_beat_slot]      <= 1'b1;
          pf_err_resp_q[pf_beat_slot] <= rd_err_resp_i;
        end
      end else if (desc_beat_i) begin
        for (int j = 0; j < WPB; j++) begin
          if (int'(desc_beat_idx_i) * WPB + j < 5) raw_q[int'(desc_beat_idx_i) * WPB + j] <= desc_beat_data_i[j*32 +: 32];
        end
      end

      // A doorbell while busy only sets BUSY_ERR; it must not mask a
      // same-cycle bus error or the state machine.
      if (doorbell_i && !idle_like) busy_err_q <= 1'b1;
      if (doorbell_i && idle_like) begin
        begin
          busy_err_q  <= 1'b0;
          aborted_q   <= 1'b0;
          drain_kill_q <= 1'b0;
          err_code_q  <= DMAC_ERR_NONE;
          err_resp_q  <= 2'b00;
          err_addr_q  <= '0;
          tc_count_q  <= '0;
          desc_addr_q <= doorbell_addr_i;
          desc_loaded_q <= 1'b0;
          ret_valid_q <= 1'b0;
          ret_err_q   <= 1'b0;
          rq_cnt_q    <= '0;
          show_live_q <= 1'b0;
          cur_pend_tc_q <= 1'b0;
          pf_cnt_q    <= '0;
          pf_en_q     <= 1'b0;
          if (doorbell_addr_i[4:0] != '0) begin
            err_code_q <= DMAC_ERR_DESC_ALIGN;
            err_addr_q <= doorbell_addr_i;
            state_q    <= S_ERROR;
          end else begin
            state_q    <= S_FETCH;
          end
        end
      end else if (bus_err && state_q != S_IDLE && state_q != S_ERROR) begin
        // First error wins; later ones (during the drain) are not recorded.
        if (!(state_q == S_DRAIN && drain_err_q)) begin
          err_code_q  <= bus_err_code;
          err_resp_q  <= bus_err_resp;
          err_addr_q  <= bus_err_addr;
        end
        drain_err_q <= 1'b1;
        drain_keep_q <= (bus_err_code == DMAC_ERR_DESC_READ) && (state_q != S_DRAIN || drain_keep_q);
        if (bus_err_code != DMAC_ERR_DESC_READ) drain_kill_q <= 1'b1;
        state_q     <= S_DRAIN;
      end else if (abort_i && state_q != S_IDLE && state_q != S_DRAIN) begin
        if (state_q == S_ERROR) begin
          state_q     <= S_IDLE;     // leave ERROR: the channel is idle again
          aborted_q   <= 1'b1;
          desc_addr_q <= '0;
          ret_valid_q <= 1'b0;
          ret_err_q   <= 1'b0;
          rq_cnt_q    <= '0;
          show_live_q <= 1'b0;
        end else begin
          drain_err_q <= 1'b0;
          drain_keep_q <= 1'b0;
          // All of the current descriptor issued, its TC not raised yet.
          cur_pend_tc_q <= desc_loaded_q && rem_issue_q == '0 && (c_irq || d_next == '0) &&
                           (state_q == S_REQ_DRAIN || state_q == S_DCLR ||
                            state_q == S_DESC_DRAIN || state_q == S_WB);
          state_q     <= S_DRAIN;
        end
      end else begin
        unique case (state_q)
          S_IDLE, S_ERROR: ;
          S_FETCH: if (grant_i) state_q <= S_FETCH_WAIT;
          S_FETCH_WAIT:
            if (desc_beat_i && int'(desc_beat_idx_i) == DESC_BEATS - 1) state_q <= S_DECODE;
          S_DECODE: begin
            if (decode_error() != DMAC_ERR_NONE) begin
              err_code_q  <= decode_error();
              err_resp_q  <= 2'b00;
              err_addr_q  <= desc_addr_q;
              drain_err_q <= 1'b1;
              drain_keep_q <= 1'b1;
              state_q     <= S_DRAIN;
            end else begin
              cur_src_q     <= d_src;
              cur_dst_q     <= d_dst;
              rem_issue_q   <= d_len[23:0];
              rem_done_q    <= d_len[23:0];
              desc_loaded_q <= 1'b1;
              cur_lost_q    <= 1'b0;
              wb_done_q     <= 1'b0;
              pf_en_q       <= !periph && d_next != '0 && !wb_en_i;
              state_q       <= periph ? S_WAIT_REQ : S_XFER;
            end
          end
          S_XFER: begin
            if (grant_i && pf_req) begin
              // the ring counters follow the grant (pf_*_d)
            end else if (grant_i) begin
              if (c_src_inc) cur_src_q <= cur_src_q + 32'(grant_len_i);
              if (c_dst_inc) cur_dst_q <= cur_dst_q + 32'(grant_len_i);
              rem_issue_q <= rem_issue_q - 24'(grant_len_i);
              req_left_q  <= req_left_q - 24'(grant_len_i);
              if (periph ? (req_left_q == 24'(grant_len_i)) : (rem_issue_q == 24'(grant_len_i)))
                state_q <= periph ? S_REQ_DRAIN : S_DESC_DRAIN;
            end else if (pause_i) begin
              resume_q <= S_XFER;
              state_q  <= S_PAUSING;
            end
          end
          S_WAIT_REQ: begin
            if (pause_i) begin
              resume_q <= S_WAIT_REQ;
              state_q  <= S_PAUSING;
            end else if (dreq_b) begin
              req_left_q <= req_bytes(1'b1);
              state_q    <= S_XFER;
            end else if (dreq_s) begin
              req_left_q <= req_bytes(1'b0);
              state_q    <= S_XFER;
            end
          end
          S_REQ_DRAIN: if (!busy_i) begin
            dtc_pulse_q <= (rem_issue_q == '0);
            state_q     <= S_DCLR;
          end
          S_DCLR: if (!dreq_any) state_q <= (rem_issue_q == '0) ? S_DESC_DRAIN : S_WAIT_REQ;
          S_DESC_DRAIN: if (handoff) begin
            // Retire this descriptor in the background, start the next now.
            if (!ret_valid_q || (ret_pop && rq_cnt_q == '0)) begin
              ret_valid_q <= (rem_done_next != '0);
              ret_addr_q  <= desc_addr_q;
              ret_rem_q   <= rem_done_next;
              ret_out_q   <= rem_done_next;
              ret_err_q   <= 1'b0;
              ret_tc_q    <= c_irq;
              ret_lost_q  <= 1'b0;
            end else begin
              // Behind the ones already retiring (after this cycle's pop).
              rq_addr_q[rq_wr]    <= desc_addr_q;
              rq_bytes_q[rq_wr]   <= rem_done_next;
              rq_tc_q[rq_wr]      <= c_irq;
              rq_cnt_q            <= RQW'(rq_push) + 1'b1;
            end
            desc_addr_q   <= d_next;
            desc_loaded_q <= 1'b0;
            state_q       <= pf_keep ? S_PF_WAIT : S_FETCH;
          end else if (!busy_i) begin
            if (wb_en_i && !wb_done_q) begin
              state_q <= S_WB;
            end else if (d_next == '0) begin
              state_q       <= S_IDLE;
              desc_addr_q   <= '0;
              desc_loaded_q <= 1'b0;
            end else begin
              desc_addr_q   <= d_next;
              desc_loaded_q <= 1'b0;
              state_q       <= pf_keep ? S_PF_WAIT : S_FETCH;
            end
          end
          S_WB: if (grant_i) begin
            wb_done_q <= 1'b1;
            state_q   <= S_DESC_DRAIN;
          end
          S_PF_WAIT: if (pf_refetch) begin
            state_q <= S_FETCH;   // read it again, alone (the ring is dropped)
          end else if (pf_take) begin
            if (pf_err_q[pf_lo_slot]) begin
              err_code_q  <= DMAC_ERR_DESC_READ;
              err_resp_q  <= pf_err_resp_q[pf_lo_slot];
              err_addr_q  <= desc_addr_q;
              drain_err_q <= 1'b1;
              drain_keep_q <= 1'b1;
              state_q     <= S_DRAIN;
            end else begin
              for (int k = 0; k < 5; k++) raw_q[k] <= pf_raw_q[int'(pf_lo_slot) * 5 + k];
              state_q <= S_DECODE;
            end
          end else if (pf_miss) begin
            state_q <= S_FETCH;   // not in the ring (it is dropped): fetch it
          end
          S_PAUSING: if (!busy_i) state_q <= S_PAUSED;
          S_PAUSED:  if (!pause_i) state_q <= resume_q;
          S_DRAIN: if (!busy_i) begin
            if (drain_err_q) begin
              state_q <= S_ERROR;
            end else begin
              state_q       <= S_IDLE;
              aborted_q     <= 1'b1;
              desc_addr_q   <= '0;
              desc_loaded_q <= 1'b0;
              ret_valid_q   <= 1'b0;
              ret_err_q     <= 1'b0;
              rq_cnt_q      <= '0;
              show_live_q   <= 1'b0;
              cur_pend_tc_q <= 1'b0;
            end
          end
          default: state_q <= S_IDLE;
        endcase
      end
    end
  end

  // Retire queue: the oldest retiring descriptor's last response pops it;
  // a hand-over pushes behind the ones that remain.
  assign ret_pop = b_data && ret_valid_q && ret_out_q == 24'(bresp_len_i);
  assign rq_push = (ret_pop && rq_cnt_q != '0) ? rq_cnt_q - 1'b1 : rq_cnt_q;
  // Behind the rq_cnt_q entries there now (a same-cycle pop moves the head on
  // by one and shortens the queue by one: the same entry).
  assign rq_wr   = rq_index(rq_head_q, rq_cnt_q);

  // Prefetch ring, next state (once, here). A descriptor of the burst in
  // flight arrives with its last beat; S_PF_WAIT takes the descriptor at
  // pf_lo_q when it is the one the chain needs, or drops the ring when it is
  // not there and nothing is in flight; moving on to a NEXT the ring does
  // not start with drops it too (S_DESC_DRAIN to S_FETCH).
  assign pf_lo_slot   = pf_lo_q[5 +: PIW];
  // Same-ID reads return in order: a beat always belongs to the first
  // descriptor not yet arrived.
  assign pf_beat_slot = pf_lo_q[5 +: PIW] + PIW'(pf_cnt_q);
  assign pf_arrive    = desc_beat_i && pf_fly_q != '0 && desc_beat_idx_i[DIW-1:0] == DIW'(DESC_BEATS - 1);
  assign pf_hit       = pf_cnt_q != '0 && pf_lo_q == desc_addr_q;
  assign pf_refetch   = fsm_step && state_q == S_PF_WAIT && pf_hit && pf_err_q[pf_lo_slot] && !pf_alone_q[pf_lo_slot] &&
                        pf_fly_q == '0;
  assign pf_take      = fsm_step && state_q == S_PF_WAIT && pf_hit && !(pf_err_q[pf_lo_slot] && !pf_alone_q[pf_lo_slot]);
  assign pf_miss      = fsm_step && state_q == S_PF_WAIT && !pf_hit && pf_fly_q == '0;
  assign pf_keep      = pf_fly_q != '0 || (pf_cnt_q != '0 && pf_lo_q == d_next);
  assign pf_drop      = pf_miss || pf_refetch || (fsm_step && state_q == S_DESC_DRAIN && !pf_keep &&
                                    (handoff || (!busy_i && !(wb_en_i && !wb_done_q) && d_next != '0)));
  always_comb begin
    pf_lo_d  = pf_lo_q;
    pf_cnt_d = pf_cnt_q;
    pf_fly_d = pf_fly_q;
    if (pf_take) begin
      pf_lo_d  = pf_lo_q + 32'd32;
      pf_cnt_d = pf_cnt_d - 1'b1;
    end
    if (pf_drop) pf_cnt_d = '0;
    if (pf_arrive) begin
      pf_cnt_d = pf_cnt_d + 1'b1;
      pf_fly_d = pf_fly_q - 1'b1;
    end
    if (grant_i && pf_req) begin
      pf_fly_d = pf_fly_d + pf_n;
      if (pf_empty) pf_lo_d = pf_fa;
    end
  end

  // Interrupt events, derived from the transitions above.
  logic fsm_step;   // the state machine's case statement runs this cycle
  logic db_start;   // accepted doorbell
  assign db_start = doorbell_i && idle_like;
  assign fsm_step = !db_start && !bus_err && !(abort_i && state_q != S_IDLE && state_q != S_DRAIN);
  // Handoff needs: no write-back (it must follow the data), a next
  // descriptor, memory-to-memory (peripheral flows drain per request anyway)
  // and no other descriptor still retiring.
  assign handoff  = fsm_step && state_q == S_DESC_DRAIN && busy_i && !wb_en_i && d_next != '0 &&
                    !periph && (!ret_valid_q || ret_pop || rq_cnt_q != RQW'(RQ_N));
  assign tc_drain   = fsm_step && state_q == S_DESC_DRAIN && !busy_i &&
                      !(wb_en_i && !wb_done_q) && (c_irq || d_next == '0);
  assign tc_handoff = handoff && rem_done_next == '0 && c_irq;
  // A retiring descriptor completes with its last good write response. During
  // an abort/error drain that counts only if none of its bursts had a beat
  // killed (all of its bytes did reach memory).
  // A write error on a retiring descriptor (ret_err_q) also denies TC to the
  // ones queued behind it, even if their writes all went out before it.
  assign tc_retire  = b_good && ret_valid_q && ret_out_q == 24'(bresp_len_i) && ret_tc_q &&
                      !ret_lost_q && !bresp_killed_i && !ret_err_q;
  // End of an abort drain: the current descriptor, fully issued before the
  // abort, completes if all of its bytes were acknowledged OKAY, none killed.
  assign tc_abort   = fsm_step && state_q == S_DRAIN && !drain_err_q && !busy_i && cur_pend_tc_q &&
                      !cur_lost_q && rem_done_q == '0;
  assign tc_event   = tc_drain || tc_handoff || tc_retire || tc_abort;
  assign err_event = (doorbell_i && idle_like && doorbell_addr_i[4:0] != '0) ||
                     (!db_start && state_q == S_DRAIN && drain_err_q && !busy_i && !bus_err);
  assign abort_event = !db_start && !bus_err &&
                       ((state_q == S_DRAIN && !drain_err_q && !busy_i) ||
                        (abort_i && state_q == S_ERROR));

  // ------------------------------------------------------------- outputs
  // Stop and kill from the cycle the abort or data error is seen (an AW or a
  // beat loaded in that cycle would otherwise still leave after it).
  logic data_err_now, stop_now;
  assign data_err_now = !db_start && state_q != S_IDLE && state_q != S_ERROR &&
                        bus_err && bus_err_code != DMAC_ERR_DESC_READ;
  assign stop_now = data_err_now || (!db_start && abort_i && state_q != S_IDLE && state_q != S_ERROR &&
                                     state_q != S_DRAIN);
  assign stop_o = ((state_q == S_DRAIN) && !drain_keep_q) || stop_now;
  assign kill_o = ((state_q == S_DRAIN) && drain_kill_q) || data_err_now;

  always_comb begin
    dclr_o = '0;
    dtc_o  = '0;
    if (state_q == S_DCLR) begin
      dclr_o[req_idx] = 1'b1;
      dtc_o[req_idx]  = dtc_pulse_q;
    end
  end

  always_comb begin
    unique case (state_q)
      S_IDLE:   state_o = DMAC_STATE_IDLE;
      S_PAUSED: state_o = DMAC_STATE_PAUSED;
      S_ERROR:  state_o = DMAC_STATE_ERROR;
      default:  state_o = DMAC_STATE_ACTIVE;
    endcase
  end

  assign aborted_o   = aborted_q;
  assign wait_req_o  = (state_q == S_WAIT_REQ);
  assign busy_err_o  = busy_err_q;
  assign err_code_o  = err_code_q;
  assign err_resp_o  = err_resp_q;
  assign err_addr_o  = err_addr_q;
  // CUR_DESC/REMAINING: the descriptor a write error stopped at, else the
  // oldest retiring descriptor, else the current one.
  assign cur_desc_o  = ret_err_q ? show_addr_q : ret_valid_q ? ret_addr_q : desc_addr_q;
  assign remaining_o = ret_err_q ? 32'(show_rem_q) : ret_valid_q ? 32'(ret_rem_q) :
                       (state_q == S_IDLE) ? 32'd0 : (desc_loaded_q ? 32'(rem_done_q) : 32'hFFFF_FFFF);
  assign irq_raw_o   = irq_raw_q;
  assign tc_count_o  = tc_count_q;

  // Quiet = clocking with unchanged inputs changes nothing in this channel.
  always_comb begin
    unique case (state_q)
      S_IDLE, S_ERROR: quiet_o = !abort_i && !doorbell_i;
      S_PAUSED:        quiet_o = pause_i && !abort_i && !doorbell_i;
      S_WAIT_REQ:      quiet_o = !dreq_any && !pause_i && !abort_i && !doorbell_i;
      default:         quiet_o = 1'b0;
    endcase
  end

  // ---------------------------------------------------------- invariants
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (b_data && ret_valid_q)
        assert (24'(bresp_len_i) <= ret_out_q && ret_out_q <= ret_rem_q) else $error("dmac_channel: residue underflow");
      if (b_written && !ret_valid_q)
        assert (24'(bresp_len_i) <= rem_done_q) else $error("dmac_channel: residue underflow");
      assert (!(tc_drain && tc_retire)) else $error("dmac_channel: two completions in one cycle");
      assert (!(tc_abort && (tc_drain || tc_handoff || tc_retire))) else $error("dmac_channel: two completions in one cycle");
      if (grant_i && state_q == S_XFER && !pf_req)
        assert (grant_len_i != '0 && 24'(grant_len_i) <= avail) else $error("dmac_channel: bad chunk");
      if (grant_i)
        assert (req_valid_o) else $error("dmac_channel: grant without request");
      // Prefetch ring and retire queue bookkeeping.
      assert (32'(pf_cnt_q) + 32'(pf_fly_q) <= 32'(PF_N)) else $error("dmac_channel: prefetch ring overflow");
      if (db_start)
        assert (pf_fly_q == '0 && !busy_i) else $error("dmac_channel: doorbell with a descriptor read in flight");
      if (pf_arrive || (desc_beat_i && pf_fly_q != '0))
        assert (state_q != S_FETCH_WAIT) else $error("dmac_channel: prefetch beat during a fetch");
      assert (int'(rq_cnt_q) <= RQ_N) else $error("dmac_channel: retire queue overflow");
      if (rq_cnt_q != '0)
        assert (ret_valid_q) else $error("dmac_channel: retire queue without an oldest entry");
    end
  end

  // ------------------------------------------------------- cover points
  // User coverage (Verilator --coverage-user; reported by scripts/coverage.sh).
  // Only the coverage build defines DMAC_COVER: the bookkeeping registers
  // below would otherwise run every cycle in every model (they are traced, so
  // never optimised away), and synthesis never sees them. The eight channel
  // instances share one counter per point (Verilator merges g_ch[*]).
`ifdef DMAC_COVER
  state_e      cov_prev_q;     // state in the previous cycle (transitions)
  logic        cov_err_q;      // err_event in the previous cycle (ERR_CODE is valid now)
  logic [31:0] cov_head_q;     // chain head of this run
  logic        cov_wrapped_q;  // the chain came back to its head (cyclic ring)
  logic        cov_wrap;       // this cycle: the chain moved on to its head again
  assign cov_wrap = cov_prev_q == S_DESC_DRAIN && (state_q == S_FETCH || state_q == S_PF_WAIT) &&
                    desc_addr_q == cov_head_q;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cov_prev_q    <= S_IDLE;
      cov_err_q     <= 1'b0;
      cov_head_q    <= '0;
      cov_wrapped_q <= 1'b0;
    end else begin
      cov_prev_q <= state_q;
      cov_err_q  <= err_event;
      if (db_start) begin
        cov_head_q    <= doorbell_addr_i;
        cov_wrapped_q <= 1'b0;
      end else if (cov_wrap) begin
        cov_wrapped_q <= 1'b1;
      end
    end
  end
  logic cov_tr;   // state changed this cycle (compare cov_prev_q / state_q)
  assign cov_tr = rst_n && cov_prev_q != state_q;

  // Every state.
  cov_st_idle:       cover property (@(posedge clk) rst_n && state_q == S_IDLE);
  cov_st_fetch:      cover property (@(posedge clk) rst_n && state_q == S_FETCH);
  cov_st_fetch_wait: cover property (@(posedge clk) rst_n && state_q == S_FETCH_WAIT);
  cov_st_decode:     cover property (@(posedge clk) rst_n && state_q == S_DECODE);
  cov_st_xfer:       cover property (@(posedge clk) rst_n && state_q == S_XFER);
  cov_st_wait_req:   cover property (@(posedge clk) rst_n && state_q == S_WAIT_REQ);
  cov_st_req_drain:  cover property (@(posedge clk) rst_n && state_q == S_REQ_DRAIN);
  cov_st_dclr:       cover property (@(posedge clk) rst_n && state_q == S_DCLR);
  cov_st_desc_drain: cover property (@(posedge clk) rst_n && state_q == S_DESC_DRAIN);
  cov_st_wb:         cover property (@(posedge clk) rst_n && state_q == S_WB);
  cov_st_pausing:    cover property (@(posedge clk) rst_n && state_q == S_PAUSING);
  cov_st_paused:     cover property (@(posedge clk) rst_n && state_q == S_PAUSED);
  cov_st_pf_wait:    cover property (@(posedge clk) rst_n && state_q == S_PF_WAIT);
  cov_st_drain:      cover property (@(posedge clk) rst_n && state_q == S_DRAIN);
  cov_st_error:      cover property (@(posedge clk) rst_n && state_q == S_ERROR);

  // Key transitions.
  cov_tr_idle_fetch:        cover property (@(posedge clk) cov_tr && cov_prev_q == S_IDLE && state_q == S_FETCH);
  cov_tr_idle_error:        cover property (@(posedge clk) cov_tr && cov_prev_q == S_IDLE && state_q == S_ERROR);
  cov_tr_error_fetch:       cover property (@(posedge clk) cov_tr && cov_prev_q == S_ERROR && state_q == S_FETCH);
  cov_tr_error_idle:        cover property (@(posedge clk) cov_tr && cov_prev_q == S_ERROR && state_q == S_IDLE);
  cov_tr_decode_xfer:       cover property (@(posedge clk) cov_tr && cov_prev_q == S_DECODE && state_q == S_XFER);
  cov_tr_decode_wait_req:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_DECODE && state_q == S_WAIT_REQ);
  cov_tr_decode_drain:      cover property (@(posedge clk) cov_tr && cov_prev_q == S_DECODE && state_q == S_DRAIN);
  cov_tr_xfer_desc_drain:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_XFER && state_q == S_DESC_DRAIN);
  cov_tr_xfer_req_drain:    cover property (@(posedge clk) cov_tr && cov_prev_q == S_XFER && state_q == S_REQ_DRAIN);
  cov_tr_xfer_pausing:      cover property (@(posedge clk) cov_tr && cov_prev_q == S_XFER && state_q == S_PAUSING);
  cov_tr_wait_req_pausing:  cover property (@(posedge clk) cov_tr && cov_prev_q == S_WAIT_REQ && state_q == S_PAUSING);
  cov_tr_pausing_paused:    cover property (@(posedge clk) cov_tr && cov_prev_q == S_PAUSING && state_q == S_PAUSED);
  cov_tr_paused_xfer:       cover property (@(posedge clk) cov_tr && cov_prev_q == S_PAUSED && state_q == S_XFER);
  cov_tr_paused_wait_req:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_PAUSED && state_q == S_WAIT_REQ);
  cov_tr_req_drain_dclr:    cover property (@(posedge clk) cov_tr && cov_prev_q == S_REQ_DRAIN && state_q == S_DCLR);
  cov_tr_dclr_wait_req:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_DCLR && state_q == S_WAIT_REQ);
  cov_tr_dclr_desc_drain:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_DCLR && state_q == S_DESC_DRAIN);
  cov_tr_desc_drain_fetch:  cover property (@(posedge clk) cov_tr && cov_prev_q == S_DESC_DRAIN && state_q == S_FETCH);
  cov_tr_desc_drain_pf:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_DESC_DRAIN && state_q == S_PF_WAIT);
  cov_tr_desc_drain_wb:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_DESC_DRAIN && state_q == S_WB);
  cov_tr_desc_drain_idle:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_DESC_DRAIN && state_q == S_IDLE);
  cov_tr_wb_desc_drain:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_WB && state_q == S_DESC_DRAIN);
  cov_tr_pf_wait_decode:    cover property (@(posedge clk) cov_tr && cov_prev_q == S_PF_WAIT && state_q == S_DECODE);
  cov_tr_pf_wait_drain:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_PF_WAIT && state_q == S_DRAIN);
  cov_tr_drain_error:       cover property (@(posedge clk) cov_tr && cov_prev_q == S_DRAIN && state_q == S_ERROR);
  cov_tr_drain_idle:        cover property (@(posedge clk) cov_tr && cov_prev_q == S_DRAIN && state_q == S_IDLE);
  // Descriptor hand-over (read-ahead) and the ways a descriptor completes.
  cov_handoff:              cover property (@(posedge clk) rst_n && handoff);
  cov_prefetch_granted:     cover property (@(posedge clk) rst_n && grant_i && pf_req);
  cov_prefetch_burst:       cover property (@(posedge clk) rst_n && grant_i && pf_req && pf_n == (PIW+1)'(PF_G));
  cov_prefetch_extend:      cover property (@(posedge clk) rst_n && grant_i && pf_req && !pf_empty);
  cov_prefetch_4k_cut:      cover property (@(posedge clk) rst_n && grant_i && pf_req && pf_contig && pf_n < (PIW+1)'(PF_G));
  cov_prefetch_hit:         cover property (@(posedge clk) rst_n && pf_take);
  cov_prefetch_drop:        cover property (@(posedge clk) rst_n && pf_drop && pf_cnt_q != '0);
  cov_prefetch_stale_wait:  cover property (@(posedge clk) rst_n && state_q == S_PF_WAIT && pf_fly_q != '0 && pf_cnt_q != '0 &&
                                           pf_lo_q != desc_addr_q);
  cov_prefetch_err_held:    cover property (@(posedge clk) rst_n && desc_beat_i && pf_fly_q != '0 && rd_err_i);
  cov_prefetch_refetch:     cover property (@(posedge clk) rst_n && pf_refetch);
  cov_retire_queued:        cover property (@(posedge clk) rst_n && handoff && ret_valid_q && !(ret_pop && rq_cnt_q == '0));
  cov_retire_queue_full:    cover property (@(posedge clk) rst_n && fsm_step && state_q == S_DESC_DRAIN && busy_i && !wb_en_i &&
                                           d_next != '0 && !periph && ret_valid_q && !ret_pop && rq_cnt_q == RQW'(RQ_N));
  cov_retire_err_shown:     cover property (@(posedge clk) rst_n && ret_err_q && ret_pop && rq_cnt_q != '0);
  cov_tc_drain:             cover property (@(posedge clk) rst_n && tc_drain);
  cov_tc_handoff:           cover property (@(posedge clk) rst_n && tc_handoff);
  cov_tc_retire:            cover property (@(posedge clk) rst_n && tc_retire);
  cov_tc_abort:             cover property (@(posedge clk) rst_n && tc_abort);
  cov_retire_lost:          cover property (@(posedge clk) rst_n && b_data && ret_valid_q && b_lost);
  cov_dtc:                  cover property (@(posedge clk) rst_n && state_q == S_DCLR && dtc_pulse_q);
  cov_dclr_held:            cover property (@(posedge clk) rst_n && state_q == S_DCLR && cov_prev_q == S_DCLR && dreq_any);
  cov_req_single:           cover property (@(posedge clk) rst_n && state_q == S_WAIT_REQ && !pause_i && !dreq_b && dreq_s);
  cov_req_burst_capped:     cover property (@(posedge clk) rst_n && state_q == S_WAIT_REQ && !pause_i && dreq_b &&
                                           24'((32'(c_burst) + 32'd1) << c_width) > rem_issue_q);

  // Error kinds (the cycle after the ERR event: ERR_CODE / ERR_RESP are valid).
  cov_err_desc_read_slverr:  cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DESC_READ && err_resp_q == 2'b10);
  cov_err_desc_read_decerr:  cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DESC_READ && err_resp_q == 2'b11);
  cov_err_data_read_slverr:  cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DATA_READ && err_resp_q == 2'b10);
  cov_err_data_read_decerr:  cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DATA_READ && err_resp_q == 2'b11);
  cov_err_data_write_slverr: cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DATA_WRITE && err_resp_q == 2'b10);
  cov_err_data_write_decerr: cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DATA_WRITE && err_resp_q == 2'b11);
  cov_err_desc_len:          cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DESC_LEN);
  cov_err_desc_rsvd:         cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DESC_RSVD);
  cov_err_desc_align_next:   cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DESC_ALIGN && cov_prev_q == S_DRAIN);
  cov_err_desc_align_head:   cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DESC_ALIGN && cov_prev_q != S_DRAIN);
  cov_err_desc_req:          cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DESC_REQ);
  cov_err_desc_fixed:        cover property (@(posedge clk) rst_n && cov_err_q && err_code_q == DMAC_ERR_DESC_FIXED);
  // Error while the previous descriptor still retires (its writes kept: descriptor
  // error; killed: data error), a second error during the drain (first wins), an
  // error during an abort drain (ends in ERROR).
  cov_err_keep_retiring:     cover property (@(posedge clk) rst_n && state_q == S_DRAIN && drain_keep_q && ret_valid_q && b_data);
  cov_err_kill_retiring:     cover property (@(posedge clk) rst_n && bus_err && bus_err_code != DMAC_ERR_DESC_READ && ret_valid_q &&
                                            state_q != S_DRAIN);
  cov_err_second_in_drain:   cover property (@(posedge clk) rst_n && bus_err && state_q == S_DRAIN && drain_err_q);
  cov_err_in_abort_drain:    cover property (@(posedge clk) rst_n && bus_err && state_q == S_DRAIN && !drain_err_q);

  // Abort / pause timing (what the channel is doing when the request arrives).
  cov_abort_idle:            cover property (@(posedge clk) rst_n && abort_i && state_q == S_IDLE);
  cov_abort_error:           cover property (@(posedge clk) rst_n && abort_i && state_q == S_ERROR && !doorbell_i);
  cov_abort_fetch:           cover property (@(posedge clk) rst_n && abort_i && (state_q == S_FETCH || state_q == S_FETCH_WAIT));
  cov_abort_pf_wait:         cover property (@(posedge clk) rst_n && abort_i && state_q == S_PF_WAIT);
  cov_abort_decode:          cover property (@(posedge clk) rst_n && abort_i && state_q == S_DECODE);
  cov_abort_xfer:            cover property (@(posedge clk) rst_n && abort_i && state_q == S_XFER);
  cov_abort_wait_req:        cover property (@(posedge clk) rst_n && abort_i && state_q == S_WAIT_REQ);
  cov_abort_req_drain:       cover property (@(posedge clk) rst_n && abort_i && state_q == S_REQ_DRAIN);
  cov_abort_dclr:            cover property (@(posedge clk) rst_n && abort_i && state_q == S_DCLR);
  cov_abort_last_beat:       cover property (@(posedge clk) rst_n && abort_i && state_q == S_DESC_DRAIN);
  cov_abort_wb:              cover property (@(posedge clk) rst_n && abort_i && state_q == S_WB);
  cov_abort_pausing:         cover property (@(posedge clk) rst_n && abort_i && state_q == S_PAUSING);
  cov_abort_paused:          cover property (@(posedge clk) rst_n && abort_i && state_q == S_PAUSED);
  cov_abort_retiring:        cover property (@(posedge clk) rst_n && abort_i && ret_valid_q && state_q != S_DRAIN);
  cov_abort_pend_tc_lost:    cover property (@(posedge clk) rst_n && fsm_step && state_q == S_DRAIN && !drain_err_q && !busy_i &&
                                            cur_pend_tc_q && !tc_abort);
  cov_abort_cyclic_wrapped:  cover property (@(posedge clk) rst_n && abort_i && cov_wrapped_q && periph && state_q != S_DRAIN);
  cov_abort_cyclic_at_head:  cover property (@(posedge clk) rst_n && abort_i && cov_wrapped_q && desc_addr_q == cov_head_q &&
                                            (state_q == S_FETCH || state_q == S_FETCH_WAIT || state_q == S_PF_WAIT ||
                                             state_q == S_DECODE));
  cov_cyclic_wrap:           cover property (@(posedge clk) rst_n && cov_wrap);
  cov_pause_fetch:           cover property (@(posedge clk) rst_n && pause_i && (state_q == S_FETCH || state_q == S_FETCH_WAIT ||
                                            state_q == S_PF_WAIT));
  cov_pause_desc_drain:      cover property (@(posedge clk) rst_n && pause_i && state_q == S_DESC_DRAIN);
  cov_pausing_busy:          cover property (@(posedge clk) rst_n && state_q == S_PAUSING && busy_i);
  cov_resume_while_pausing:  cover property (@(posedge clk) rst_n && state_q == S_PAUSING && !pause_i);

  // Register-side races.
  cov_doorbell_busy:         cover property (@(posedge clk) rst_n && doorbell_i && !idle_like);
  cov_doorbell_from_error:   cover property (@(posedge clk) rst_n && doorbell_i && state_q == S_ERROR);
  cov_tc_vs_w1c:             cover property (@(posedge clk) rst_n && tc_event && irq_clr_i[0]);
  cov_tc_two_in_count:       cover property (@(posedge clk) rst_n && tc_event && irq_raw_q[0]);
`endif

  logic unused_ok;
  assign unused_ok = ^{c_rsvd, d_ctrl};
endmodule
