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
//
// Evaluation cost (a Verilated model runs every block of every channel each
// clock; what costs is the statements on the executed path): the state
// machine is one `always_comb` (`next`) that computes the next state and all
// of the cycle's events once and is skipped whole when the channel has
// nothing to do (no register pulse, grant, descriptor beat, read error or
// write response, in a state that only waits for one); one `always_ff`
// registers its result. The prefetch ring and the retire queue are written
// only in the cycles that use them. What runs every cycle: the job request
// (a case on the state), the readback selects and `quiet_o`.
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

  // ------------------------------------------------------------ structure
  // Three blocks, each rule written once:
  //   `req`  - the job request (valid, kind, fields) and the prefetch burst,
  //            from the registers; every cycle, but only the state's branch.
  //   `next` - the state machine: next state and this cycle's events and
  //            actions (ev), computed once. A channel with nothing to do
  //            this cycle (wake low: no register pulse, grant, descriptor
  //            beat, read error or write response, and a state that waits
  //            for one of those) skips it whole.
  //   the always_ff - registers the next state and applies the actions.
  // Interrupts, TC_COUNT, stop/kill and the cover points read ev: an event
  // is where the state machine decides it, never re-derived beside it.
  typedef struct packed {
    logic        wake;        // the state machine ran (else every field is 0)
    logic        fsm_step;    // ... and reached its state case (no doorbell, error or abort first)
    logic        db_start;    // accepted doorbell
    logic        busy_err;    // doorbell while busy
    logic        bus_err;     // a read error or error write response (not a held prefetch error)
    logic        rec_err;     // record err_code / err_resp / err_addr below
    logic [3:0]  err_code;
    logic [1:0]  err_resp;
    logic [1:0]  err_src;     // err_addr: ERR_SRC_* below
    logic        drain;       // enter an error drain: drain_err_q <= 1, drain_keep_q <= keep
    logic        keep;
    logic        kill_set;    // drain_kill_q <= 1
    logic        abort_drain; // enter an abort drain
    logic        pend_tc;     // ... with the current descriptor's TC pending
    logic        abort_idle;  // ABORT in ERROR: back to IDLE
    logic        drain_idle;  // end of an abort drain
    logic        stop;        // stop_o this cycle (abort or data error seen now)
    logic        kill;        // kill_o this cycle (data error seen now)
    logic        load;        // descriptor valid: load the working registers
    logic        issue;       // data chunk granted
    logic        pause;       // pausing (resume_q <= state_q)
    logic        dtc_set;     // REQ_DRAIN -> DCLR
    logic        handoff;     // next descriptor starts while this one retires
    logic        next_desc;   // desc_addr_q <= NEXT
    logic        end_chain;   // desc_addr_q <= 0 (chain done)
    logic        wb_granted;
    logic        take_raw;    // load raw_q from the prefetch ring
    logic        pf_take;
    logic        pf_miss;
    logic        pf_refetch;
    logic        pf_drop;
    logic        pf_arrive;
    logic        b_data;      // a data write response for this channel (any response)
    logic        b_written;   // OKAY and none of its beats killed: its bytes are written
    logic        b_lost;      // its bytes did not (all) reach memory
    logic        ret_pop;     // the oldest retiring descriptor's last response
    logic        tc_drain;
    logic        tc_handoff;
    logic        tc_retire;
    logic        tc_abort;
    logic        err_evt;     // IRQ_STATUS.ERR
    logic        abort_evt;   // IRQ_STATUS.ABORT
  } ev_t;                     // 44 bits: one 64-bit word in a Verilated model
  // ERR_ADDR of a recorded error: the failing read, the failing write, the
  // misaligned doorbell address, or the descriptor being decoded / taken.
  localparam logic [1:0] ERR_SRC_RD = 2'd0, ERR_SRC_B = 2'd1, ERR_SRC_DB = 2'd2, ERR_SRC_DESC = 2'd3;
  ev_t    ev;
  state_e state_d;
  logic   wake;

  // ---------------------------------------------------------- job request
  // Prefetch request (only in S_XFER, where it has priority over the data
  // job): the ring is empty (read at NEXT: PF_G descriptors if the chain is
  // contiguous here, else one), or it starts at NEXT and the chain is
  // contiguous (read on after the last descriptor in the ring). Never across
  // 4 KiB, only with room in the ring for PF_G more. A request refused there
  // stays refused until the next descriptor (arrivals keep pf_cnt_q +
  // pf_fly_q, NEXT does not change). pf_first: the ring is empty (the burst
  // sets pf_lo_q).
  logic        pf_first;
  always_comb begin : req
    logic        pf_contig;
    logic [31:0] pf_room;             // descriptors up to the 4 KiB boundary
    req_valid_o   = 1'b0;
    req_kind_o    = JOB_DATA;
    req_src_o     = cur_src_q;
    req_dst_o     = cur_dst_q;
    req_len_o     = avail;
    req_src_inc_o = c_src_inc;
    req_dst_inc_o = c_dst_inc;
    req_width_o   = c_width;
    pf_req        = 1'b0;
    pf_first      = 1'b0;
    pf_fa         = '0;
    pf_n          = '0;
    pf_contig     = 1'b0;
    pf_room       = '0;
    case (state_q)   // not `unique`: its check would run in every cycle of every channel
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
        req_valid_o = !pause_i && !abort_i && !rd_err_i && !(bresp_i && bresp_resp_i != 2'b00);
        if (pf_en_q) begin
          pf_first  = pf_cnt_q == '0 && pf_fly_q == '0;
          pf_contig = d_next == desc_addr_q + 32'd32;
          pf_req    = pf_first || (pf_contig && pf_lo_q == d_next &&
                                   32'(pf_cnt_q) + 32'(pf_fly_q) + 32'(PF_G) <= 32'(PF_N));
        end
        if (pf_req) begin
          pf_fa   = pf_first ? d_next : pf_lo_q + ((32'(pf_cnt_q) + 32'(pf_fly_q)) << 5);
          pf_room = (32'd4096 - 32'(pf_fa[11:0])) >> 5;
          pf_n    = (pf_contig && pf_room >= 32'(PF_G)) ? (PIW+1)'(PF_G) :
                    pf_contig ? (PIW+1)'(pf_room) : (PIW+1)'(1);
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

  logic idle_like;  // states in which a doorbell is accepted
  assign idle_like = (state_q == S_IDLE) || (state_q == S_ERROR);

  // Prefetch ring slots. The ring holds the descriptors at pf_lo_q,
  // pf_lo_q + 32, ... (slot = address bits [5 +: PIW]). Same-ID reads return
  // in order: a beat always belongs to the first descriptor not yet arrived.
  // (Functions, evaluated where a beat arrives or the ring is read.)
  function automatic logic [PIW-1:0] pf_lo_slot();
    return pf_lo_q[5 +: PIW];
  endfunction
  function automatic logic [PIW-1:0] pf_beat_slot();
    return pf_lo_q[5 +: PIW] + PIW'(pf_cnt_q);
  endfunction

  // Bytes of the current descriptor still unanswered after this cycle's
  // write response (REMAINING counts bytes not written: a killed burst's
  // OKAY retires none; responses go to a retiring descriptor first).
  function automatic logic [23:0] rem_done_after(input logic b_written);
    return rem_done_q - ((b_written && !ret_valid_q) ? 24'(bresp_len_i) : 24'd0);
  endfunction

  // The next descriptor is (being) prefetched: the ring has a burst in
  // flight or starts at NEXT. Read only where the chain moves on.
  function automatic logic pf_keep();
    return pf_fly_q != '0 || (pf_cnt_q != '0 && pf_lo_q == d_next);
  endfunction

  // A descriptor error (validation, or a held prefetch read error): recorded
  // with the descriptor's address, and the drain keeps the retiring
  // descriptor's writes (its data was all read successfully).
  function automatic ev_t desc_error(input ev_t e, input logic [3:0] code, input logic [1:0] resp);
    ev_t r;
    r          = e;
    r.rec_err  = 1'b1;
    r.err_code = code;
    r.err_resp = resp;
    r.err_src  = ERR_SRC_DESC;
    r.drain    = 1'b1;
    r.keep     = 1'b1;
    return r;
  endfunction

  // ------------------------------------------------------- state machine
  always_comb begin : next
    logic       park;      // the state waits only for an input that wakes it
    logic       hit, err_slot;
    logic [3:0] dec_err;
    case (state_q)   // every cycle: not `unique` (see `req`)
      S_IDLE, S_ERROR, S_FETCH, S_FETCH_WAIT, S_WB, S_DCLR: park = 1'b1;
      S_XFER, S_WAIT_REQ:                          park = !pause_i;
      S_REQ_DRAIN, S_PAUSING, S_DRAIN:             park = busy_i;
      S_PAUSED:                                    park = pause_i;
      default:                                     park = 1'b0;   // DECODE, DESC_DRAIN, PF_WAIT
    endcase
    wake = !park || doorbell_i || abort_i || grant_i || desc_beat_i || rd_err_i || bresp_i ||
           irq_clr_i != '0 || dtc_pulse_q;
    state_d  = state_q;
    ev       = '0;
    hit      = 1'b0;
    err_slot = 1'b0;
    dec_err  = DMAC_ERR_NONE;
    if (wake) begin
      ev.wake = 1'b1;
      // Write responses: residue bookkeeping and the retire queue.
      if (bresp_i && !bresp_wb_i) begin
        ev.b_data    = 1'b1;
        ev.b_written = bresp_resp_i == 2'b00 && !bresp_killed_i;
        ev.b_lost    = bresp_killed_i || bresp_resp_i != 2'b00;
        ev.ret_pop   = ret_valid_q && ret_out_q == 24'(bresp_len_i);
        // A retiring descriptor completes with its last good write response
        // if none of its bursts had a beat killed (all of its bytes reached
        // memory). A write error on a retiring descriptor (ret_err_q) also
        // denies TC to the ones queued behind it.
        ev.tc_retire = ev.ret_pop && ev.b_written && ret_tc_q && !ret_lost_q && !ret_err_q;
      end
      // A prefetched descriptor arrives with its last beat.
      ev.pf_arrive = desc_beat_i && pf_fly_q != '0 && desc_beat_idx_i[DIW-1:0] == DIW'(DESC_BEATS - 1);
      // Bus errors (a descriptor read error of a prefetch is held with its
      // descriptor until the chain gets there).
      if (rd_err_i && !(rd_err_desc_i && pf_fly_q != '0)) begin
        ev.bus_err  = 1'b1;
        ev.err_code = rd_err_desc_i ? DMAC_ERR_DESC_READ : DMAC_ERR_DATA_READ;
        ev.err_resp = rd_err_resp_i;
        ev.err_src  = ERR_SRC_RD;
      end else if (bresp_i && bresp_resp_i != 2'b00) begin
        ev.bus_err  = 1'b1;
        ev.err_code = DMAC_ERR_DATA_WRITE;
        ev.err_resp = bresp_resp_i;
        ev.err_src  = ERR_SRC_B;
      end
      // A doorbell while busy only sets BUSY_ERR; it must not mask a
      // same-cycle bus error or the state machine.
      ev.busy_err = doorbell_i && !idle_like;

      if (doorbell_i && idle_like) begin
        ev.db_start = 1'b1;
        if (doorbell_addr_i[4:0] != '0) begin
          ev.rec_err  = 1'b1;
          ev.err_code = DMAC_ERR_DESC_ALIGN;
          ev.err_resp = 2'b00;
          ev.err_src  = ERR_SRC_DB;
          ev.err_evt  = 1'b1;
          state_d     = S_ERROR;
        end else begin
          state_d     = S_FETCH;
        end
      end else if (ev.bus_err && !idle_like) begin
        // First error wins; later ones (during the drain) are not recorded.
        // A descriptor read error keeps the retiring descriptor's writes
        // (drain_keep_q); a data error kills them, from this cycle on.
        ev.rec_err  = !(state_q == S_DRAIN && drain_err_q);
        ev.drain    = 1'b1;
        ev.keep     = (ev.err_code == DMAC_ERR_DESC_READ) && (state_q != S_DRAIN || drain_keep_q);
        ev.kill_set = ev.err_code != DMAC_ERR_DESC_READ;
        ev.kill     = ev.kill_set;
        ev.stop     = ev.kill_set || (abort_i && state_q != S_DRAIN);
        state_d     = S_DRAIN;
      end else if (abort_i && state_q != S_IDLE && state_q != S_DRAIN) begin
        if (state_q == S_ERROR) begin
          ev.abort_idle = 1'b1;        // leave ERROR: the channel is idle again
          ev.abort_evt  = !ev.bus_err;
          state_d       = S_IDLE;
        end else begin
          ev.abort_drain = 1'b1;
          ev.stop        = 1'b1;
          // All of the current descriptor issued, its TC not raised yet.
          ev.pend_tc     = desc_loaded_q && rem_issue_q == '0 && (c_irq || d_next == '0) &&
                           (state_q == S_REQ_DRAIN || state_q == S_DCLR ||
                            state_q == S_DESC_DRAIN || state_q == S_WB);
          state_d        = S_DRAIN;
        end
      end else begin
        ev.fsm_step = 1'b1;
        unique case (state_q)
          S_IDLE, S_ERROR: ;
          S_FETCH: if (grant_i) state_d = S_FETCH_WAIT;
          S_FETCH_WAIT:
            if (desc_beat_i && int'(desc_beat_idx_i) == DESC_BEATS - 1) state_d = S_DECODE;
          S_DECODE: begin
            dec_err = decode_error();
            if (dec_err != DMAC_ERR_NONE) begin
              ev      = desc_error(ev, dec_err, 2'b00);
              state_d = S_DRAIN;
            end else begin
              ev.load = 1'b1;
              state_d = periph ? S_WAIT_REQ : S_XFER;
            end
          end
          S_XFER: begin
            if (grant_i && pf_req) begin
              // the ring counters follow the grant
            end else if (grant_i) begin
              ev.issue = 1'b1;
              if (periph ? (req_left_q == 24'(grant_len_i)) : (rem_issue_q == 24'(grant_len_i)))
                state_d = periph ? S_REQ_DRAIN : S_DESC_DRAIN;
            end else if (pause_i) begin
              ev.pause = 1'b1;
              state_d  = S_PAUSING;
            end
          end
          // S_WAIT_REQ (not pausing) and S_DCLR follow the request lines:
          // the register stage below (hs_step).
          S_WAIT_REQ: if (pause_i) begin
            ev.pause = 1'b1;
            state_d  = S_PAUSING;
          end
          S_REQ_DRAIN: if (!busy_i) begin
            ev.dtc_set = 1'b1;
            state_d    = S_DCLR;
          end
          S_DCLR: ;
          S_DESC_DRAIN: begin
            // Hand-over needs: no write-back (it must follow the data), a
            // next descriptor, memory-to-memory (peripheral flows drain per
            // request anyway) and room behind the descriptors still retiring.
            if (busy_i && !wb_en_i && d_next != '0 && !periph &&
                (!ret_valid_q || ev.ret_pop || rq_cnt_q != RQW'(RQ_N))) begin
              // Retire this descriptor in the background, start the next now.
              ev.handoff    = 1'b1;
              ev.tc_handoff = rem_done_after(ev.b_written) == '0 && c_irq;
              ev.next_desc  = 1'b1;
              ev.pf_drop    = !pf_keep();
              state_d       = pf_keep() ? S_PF_WAIT : S_FETCH;
            end else if (!busy_i) begin
              if (wb_en_i && !wb_done_q) begin
                state_d = S_WB;
              end else begin
                ev.tc_drain = c_irq || d_next == '0;
                if (d_next == '0) begin
                  ev.end_chain = 1'b1;
                  state_d      = S_IDLE;
                end else begin
                  ev.next_desc = 1'b1;
                  ev.pf_drop   = !pf_keep();
                  state_d      = pf_keep() ? S_PF_WAIT : S_FETCH;
                end
              end
            end
          end
          S_WB: if (grant_i) begin
            ev.wb_granted = 1'b1;
            state_d       = S_DESC_DRAIN;
          end
          S_PF_WAIT: begin
            // Take the descriptor at pf_lo_q when it is the one the chain
            // needs; drop the ring when it is not there and nothing is in
            // flight. A descriptor of a multi-descriptor burst with an error
            // is read again alone (its burst may have failed for another).
            hit      = pf_cnt_q != '0 && pf_lo_q == desc_addr_q;
            err_slot = pf_err_q[pf_lo_slot()] && !pf_alone_q[pf_lo_slot()];
            if (hit && err_slot && pf_fly_q == '0) begin
              ev.pf_refetch = 1'b1;
              ev.pf_drop    = 1'b1;
              state_d       = S_FETCH;   // read it again, alone (the ring is dropped)
            end else if (hit && !err_slot) begin
              ev.pf_take = 1'b1;
              if (pf_err_q[pf_lo_slot()]) begin
                ev      = desc_error(ev, DMAC_ERR_DESC_READ, pf_err_resp_q[pf_lo_slot()]);
                state_d = S_DRAIN;
              end else begin
                ev.take_raw = 1'b1;
                state_d     = S_DECODE;
              end
            end else if (!hit && pf_fly_q == '0) begin
              ev.pf_miss = 1'b1;
              ev.pf_drop = 1'b1;
              state_d    = S_FETCH;   // not in the ring (it is dropped): fetch it
            end
          end
          S_PAUSING: if (!busy_i) state_d = S_PAUSED;
          S_PAUSED:  if (!pause_i) state_d = resume_q;
          S_DRAIN: if (!busy_i) begin
            if (drain_err_q) begin
              ev.err_evt = 1'b1;
              state_d    = S_ERROR;
            end else begin
              // End of an abort drain: the current descriptor, fully issued
              // before the abort, completes if all of its bytes were
              // acknowledged OKAY, none killed.
              ev.drain_idle = 1'b1;
              ev.abort_evt  = 1'b1;
              ev.tc_abort   = cur_pend_tc_q && !cur_lost_q && rem_done_q == '0;
              state_d       = S_IDLE;
            end
          end
          default: state_d = S_IDLE;
        endcase
      end
    end
  end

  // The handshake states' own step (see the register stage): when the state
  // machine does not run this cycle or reaches its state case.
  logic hs_step;
  assign hs_step = ((state_q == S_WAIT_REQ && !pause_i) || state_q == S_DCLR) && (!ev.wake || ev.fsm_step);

  logic tc_event;
  assign tc_event = ev.tc_drain || ev.tc_handoff || ev.tc_retire || ev.tc_abort;

  // ------------------------------------------------------------ registers
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
    end else if (ev.wake) begin
      state_q     <= state_d;
      dtc_pulse_q <= ev.dtc_set && rem_issue_q == '0;
      // Event wins over a same-cycle clear.
      irq_raw_q   <= (irq_raw_q & ~irq_clr_i) | {ev.abort_evt, ev.err_evt, tc_event};
      // Two can complete in one cycle (a hand-over and a retiring one).
      if (tc_event)
        tc_count_q <= tc_count_q + 32'(ev.tc_drain) + 32'(ev.tc_handoff) + 32'(ev.tc_retire) + 32'(ev.tc_abort);

      // Prefetch ring counters: a take moves the ring on, a drop empties
      // it, an arrival moves a descriptor from in flight to arrived, a
      // granted burst adds its descriptors in flight (and places the ring
      // when it was empty).
      if (ev.pf_take || ev.pf_drop || ev.pf_arrive)
        pf_cnt_q <= (ev.pf_drop ? '0 : pf_cnt_q - (PIW+1)'(ev.pf_take)) + (PIW+1)'(ev.pf_arrive);
      if (ev.pf_take) pf_lo_q <= pf_lo_q + 32'd32;
      if (grant_i && pf_req) begin
        pf_fly_q <= pf_fly_q - (PIW+1)'(ev.pf_arrive) + pf_n;
        if (pf_first) pf_lo_q <= pf_fa;
        // The granted burst's slots learn whether it reads one descriptor.
        for (int k = 0; k < PF_G; k++)
          if (k < int'(pf_n)) pf_alone_q[pf_fa[5 +: PIW] + PIW'(k)] <= pf_n == (PIW+1)'(1);
      end else if (ev.pf_arrive) begin
        pf_fly_q <= pf_fly_q - 1'b1;
      end

      // Residue: every good data write response retires its bytes, oldest
      // descriptor first. Every data write response (error included) answers
      // its bytes: responses go to the retiring descriptor until all of its
      // bursts are answered, then to the current one.
      if (ev.b_data) begin
        if (!ret_valid_q) begin
          if (ev.b_written) rem_done_q <= rem_done_q - 24'(bresp_len_i);
          if (ev.b_lost)    cur_lost_q <= 1'b1;
        end else begin
          if (ev.b_written) ret_rem_q <= ret_rem_q - 24'(bresp_len_i);
          ret_out_q <= ret_out_q - 24'(bresp_len_i);
          if (ev.b_lost) ret_lost_q <= 1'b1;
          if (show_live_q && ev.b_written) show_rem_q <= show_rem_q - 24'(bresp_len_i);
          if (bresp_resp_i != 2'b00 && !ret_err_q) begin
            ret_err_q   <= 1'b1;
            show_addr_q <= ret_addr_q;
            show_rem_q  <= ret_rem_q;
            show_live_q <= 1'b1;
          end
          if (ev.ret_pop) begin
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
      end

      // Descriptor beats land in the raw image (bytes 0x00..0x13 are used),
      // or, for a prefetch burst, in the ring. A beat carries words
      // idx * WPB .. idx * WPB + WPB - 1 (one write per word lane).
      if (desc_beat_i && pf_fly_q != '0) begin
        for (int j = 0; j < WPB; j++) begin
          if (int'(desc_beat_idx_i[DIW-1:0]) * WPB + j < 5)
            pf_raw_q[int'(pf_beat_slot()) * 5 + int'(desc_beat_idx_i[DIW-1:0]) * WPB + j] <= desc_beat_data_i[j*32 +: 32];
        end
        if (desc_beat_idx_i[DIW-1:0] == '0) begin
          pf_err_q[pf_beat_slot()]      <= rd_err_i && rd_err_desc_i;
          pf_err_resp_q[pf_beat_slot()] <= rd_err_resp_i;
        end else if (rd_err_i && rd_err_desc_i && !pf_err_q[pf_beat_slot()]) begin
          pf_err_q[pf_beat_slot()]      <= 1'b1;
          pf_err_resp_q[pf_beat_slot()] <= rd_err_resp_i;
        end
      end else if (desc_beat_i) begin
        for (int j = 0; j < WPB; j++) begin
          if (int'(desc_beat_idx_i) * WPB + j < 5) raw_q[int'(desc_beat_idx_i) * WPB + j] <= desc_beat_data_i[j*32 +: 32];
        end
      end

      if (ev.busy_err) busy_err_q <= 1'b1;
      if (ev.rec_err) begin
        err_code_q <= ev.err_code;
        err_resp_q <= ev.err_resp;
        unique case (ev.err_src)
          ERR_SRC_RD: err_addr_q <= rd_err_addr_i;
          ERR_SRC_B:  err_addr_q <= bresp_addr_i;
          ERR_SRC_DB: err_addr_q <= doorbell_addr_i;
          default:    err_addr_q <= desc_addr_q;
        endcase
      end
      if (ev.drain) begin
        drain_err_q  <= 1'b1;
        drain_keep_q <= ev.keep;
      end
      if (ev.kill_set) drain_kill_q <= 1'b1;
      if (ev.abort_drain) begin
        drain_err_q   <= 1'b0;
        drain_keep_q  <= 1'b0;
        cur_pend_tc_q <= ev.pend_tc;
      end
      if (ev.pause) resume_q <= state_q;
      if (ev.load) begin
        cur_src_q     <= d_src;
        cur_dst_q     <= d_dst;
        rem_issue_q   <= d_len[23:0];
        rem_done_q    <= d_len[23:0];
        desc_loaded_q <= 1'b1;
        cur_lost_q    <= 1'b0;
        wb_done_q     <= 1'b0;
        pf_en_q       <= !periph && d_next != '0 && !wb_en_i;
      end
      if (ev.issue) begin
        if (c_src_inc) cur_src_q <= cur_src_q + 32'(grant_len_i);
        if (c_dst_inc) cur_dst_q <= cur_dst_q + 32'(grant_len_i);
        rem_issue_q <= rem_issue_q - 24'(grant_len_i);
        req_left_q  <= req_left_q - 24'(grant_len_i);
      end
      if (ev.handoff) begin
        if (!ret_valid_q || (ev.ret_pop && rq_cnt_q == '0)) begin
          ret_valid_q <= rem_done_after(ev.b_written) != '0;
          ret_addr_q  <= desc_addr_q;
          ret_rem_q   <= rem_done_after(ev.b_written);
          ret_out_q   <= rem_done_after(ev.b_written);
          ret_err_q   <= 1'b0;
          ret_tc_q    <= c_irq;
          ret_lost_q  <= 1'b0;
        end else begin
          // Behind the ones already retiring, after this cycle's pop: a
          // same-cycle pop moves the head on by one and shortens the queue
          // by one, so the entry is rq_head_q + rq_cnt_q either way.
          rq_addr_q[rq_index(rq_head_q, rq_cnt_q)]  <= desc_addr_q;
          rq_bytes_q[rq_index(rq_head_q, rq_cnt_q)] <= rem_done_after(ev.b_written);
          rq_tc_q[rq_index(rq_head_q, rq_cnt_q)]    <= c_irq;
          rq_cnt_q <= ((ev.ret_pop && rq_cnt_q != '0) ? rq_cnt_q - 1'b1 : rq_cnt_q) + 1'b1;
        end
      end
      if (ev.next_desc) begin
        desc_addr_q   <= d_next;
        desc_loaded_q <= 1'b0;
      end
      if (ev.wb_granted) wb_done_q <= 1'b1;
      if (ev.take_raw)
        for (int k = 0; k < 5; k++) raw_q[k] <= pf_raw_q[int'(pf_lo_slot()) * 5 + k];
      if (ev.end_chain || ev.abort_idle || ev.drain_idle) begin
        desc_addr_q <= '0;
        if (!ev.abort_idle) desc_loaded_q <= 1'b0;
      end
      if (ev.abort_idle || ev.drain_idle) begin
        aborted_q   <= 1'b1;
        ret_valid_q <= 1'b0;
        ret_err_q   <= 1'b0;
        rq_cnt_q    <= '0;
        show_live_q <= 1'b0;
      end
      if (ev.drain_idle) cur_pend_tc_q <= 1'b0;
      if (ev.db_start) begin
        busy_err_q    <= 1'b0;
        aborted_q     <= 1'b0;
        drain_kill_q  <= 1'b0;
        tc_count_q    <= '0;
        desc_addr_q   <= doorbell_addr_i;
        desc_loaded_q <= 1'b0;
        ret_valid_q   <= 1'b0;
        ret_err_q     <= 1'b0;
        rq_cnt_q      <= '0;
        show_live_q   <= 1'b0;
        cur_pend_tc_q <= 1'b0;
        pf_cnt_q      <= '0;
        pf_en_q       <= 1'b0;
        if (!ev.rec_err) begin
          err_code_q <= DMAC_ERR_NONE;
          err_resp_q <= 2'b00;
          err_addr_q <= '0;
        end
      end
    end
    // Peripheral handshake: S_WAIT_REQ takes a request (burst first),
    // S_DCLR holds DMACCLR until the request lines drop. The state machine
    // parks in both and the request lines are read here, at the clock edge
    // only: no combinational path runs from the dreq pins into `next` (a
    // Verilated model would evaluate it again on every input change).
    if (rst_n && hs_step) begin
      if (state_q == S_WAIT_REQ) begin
        if (dreq_any) begin
          req_left_q <= req_bytes(dreq_b);
          state_q    <= S_XFER;
        end
      end else if (!dreq_any) begin
        state_q <= (rem_issue_q == '0) ? S_DESC_DRAIN : S_WAIT_REQ;
      end
    end
  end

  // ------------------------------------------------------------- outputs
  // Stop and kill from the cycle the abort or data error is seen (an AW or a
  // beat loaded in that cycle would otherwise still leave after it).
  assign stop_o = ((state_q == S_DRAIN) && !drain_keep_q) || ev.stop;
  assign kill_o = ((state_q == S_DRAIN) && drain_kill_q) || ev.kill;

  always_comb begin
    dclr_o = '0;
    dtc_o  = '0;
    if (state_q == S_DCLR) begin
      dclr_o[req_idx] = 1'b1;
      dtc_o[req_idx]  = dtc_pulse_q;
    end
  end

  always_comb begin
    case (state_q)   // every cycle: not `unique` (see `req`)
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
    case (state_q)   // every cycle: not `unique` (see `req`)
      S_IDLE, S_ERROR: quiet_o = !abort_i && !doorbell_i;
      S_PAUSED:        quiet_o = pause_i && !abort_i && !doorbell_i;
      S_WAIT_REQ:      quiet_o = !dreq_any && !pause_i && !abort_i && !doorbell_i;
      default:         quiet_o = 1'b0;
    endcase
  end

  // ---------------------------------------------------------- invariants
  // Checked in the cycles the state machine runs: every event they are
  // about wakes it, and the registers they read change in no other cycle
  // (the handshake step changes only state_q and req_left_q).
  always_ff @(posedge clk) begin
    if (rst_n && ev.wake) begin
      if (ev.b_data && ret_valid_q)
        assert (24'(bresp_len_i) <= ret_out_q && ret_out_q <= ret_rem_q) else $error("dmac_channel: residue underflow");
      if (ev.b_written && !ret_valid_q)
        assert (24'(bresp_len_i) <= rem_done_q) else $error("dmac_channel: residue underflow");
      assert (!(ev.tc_drain && ev.tc_retire)) else $error("dmac_channel: two completions in one cycle");
      assert (!(ev.tc_abort && (ev.tc_drain || ev.tc_handoff || ev.tc_retire)))
        else $error("dmac_channel: two completions in one cycle");
      if (grant_i && state_q == S_XFER && !pf_req)
        assert (grant_len_i != '0 && 24'(grant_len_i) <= avail) else $error("dmac_channel: bad chunk");
      if (grant_i)
        assert (req_valid_o) else $error("dmac_channel: grant without request");
      // Prefetch ring and retire queue bookkeeping.
      assert (32'(pf_cnt_q) + 32'(pf_fly_q) <= 32'(PF_N)) else $error("dmac_channel: prefetch ring overflow");
      if (ev.db_start)
        assert (pf_fly_q == '0 && !busy_i) else $error("dmac_channel: doorbell with a descriptor read in flight");
      if (desc_beat_i && pf_fly_q != '0)
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
      cov_err_q  <= ev.err_evt;
      if (ev.db_start) begin
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
  cov_handoff:              cover property (@(posedge clk) rst_n && ev.handoff);
  cov_prefetch_granted:     cover property (@(posedge clk) rst_n && grant_i && pf_req);
  cov_prefetch_burst:       cover property (@(posedge clk) rst_n && grant_i && pf_req && pf_n == (PIW+1)'(PF_G));
  cov_prefetch_extend:      cover property (@(posedge clk) rst_n && grant_i && pf_req && !pf_first);
  cov_prefetch_4k_cut:      cover property (@(posedge clk) rst_n && grant_i && pf_req && d_next == desc_addr_q + 32'd32 && pf_n < (PIW+1)'(PF_G));
  cov_prefetch_hit:         cover property (@(posedge clk) rst_n && ev.pf_take);
  cov_prefetch_drop:        cover property (@(posedge clk) rst_n && ev.pf_drop && pf_cnt_q != '0);
  cov_prefetch_stale_wait:  cover property (@(posedge clk) rst_n && state_q == S_PF_WAIT && pf_fly_q != '0 && pf_cnt_q != '0 &&
                                           pf_lo_q != desc_addr_q);
  cov_prefetch_err_held:    cover property (@(posedge clk) rst_n && desc_beat_i && pf_fly_q != '0 && rd_err_i);
  cov_prefetch_refetch:     cover property (@(posedge clk) rst_n && ev.pf_refetch);
  cov_retire_queued:        cover property (@(posedge clk) rst_n && ev.handoff && ret_valid_q && !(ev.ret_pop && rq_cnt_q == '0));
  cov_retire_queue_full:    cover property (@(posedge clk) rst_n && ev.fsm_step && state_q == S_DESC_DRAIN && busy_i && !wb_en_i &&
                                           d_next != '0 && !periph && ret_valid_q && !ev.ret_pop && rq_cnt_q == RQW'(RQ_N));
  cov_retire_err_shown:     cover property (@(posedge clk) rst_n && ret_err_q && ev.ret_pop && rq_cnt_q != '0);
  cov_tc_drain:             cover property (@(posedge clk) rst_n && ev.tc_drain);
  cov_tc_handoff:           cover property (@(posedge clk) rst_n && ev.tc_handoff);
  cov_tc_retire:            cover property (@(posedge clk) rst_n && ev.tc_retire);
  cov_tc_abort:             cover property (@(posedge clk) rst_n && ev.tc_abort);
  cov_retire_lost:          cover property (@(posedge clk) rst_n && ev.b_data && ret_valid_q && ev.b_lost);
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
  cov_err_keep_retiring:     cover property (@(posedge clk) rst_n && state_q == S_DRAIN && drain_keep_q && ret_valid_q && ev.b_data);
  cov_err_kill_retiring:     cover property (@(posedge clk) rst_n && ev.bus_err && ev.err_code != DMAC_ERR_DESC_READ && ret_valid_q &&
                                            state_q != S_DRAIN);
  cov_err_second_in_drain:   cover property (@(posedge clk) rst_n && ev.bus_err && state_q == S_DRAIN && drain_err_q);
  cov_err_in_abort_drain:    cover property (@(posedge clk) rst_n && ev.bus_err && state_q == S_DRAIN && !drain_err_q);

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
  cov_abort_pend_tc_lost:    cover property (@(posedge clk) rst_n && ev.fsm_step && state_q == S_DRAIN && !drain_err_q && !busy_i &&
                                            cur_pend_tc_q && !ev.tc_abort);
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
  // pf_miss and pf_refetch are read by the cover points only.
  assign unused_ok = ^{c_rsvd, d_ctrl, ev.pf_miss, ev.pf_refetch};
endmodule
