// All DMA channels in one module: descriptor fetch and validation, splitting a
// descriptor into bursts ("chunks"), peripheral request handshake, pause /
// abort / error, residue, interrupts.
//
// A channel never touches AXI itself. It asks the shared issue stage for one
// job at a time (a descriptor read, a data chunk, or a status write-back) and
// follows the progress of its jobs through the events the read and write
// engines report (descriptor beats, read errors, write responses), each
// tagged with its channel number. `busy_i[c]` says whether any job of channel
// c is still in flight anywhere; drains (pause, abort, error, end of
// descriptor) wait for it to drop.
//
// Structure: per-channel state is a context record, one array element per
// channel (`ctx_q[c]`: state, descriptor image, addresses, counters, retire
// and prefetch bookkeeping), with the retire queue and the prefetch ring as
// memories (`rq_q[c][i]`, `pf_raw_q[c][..]`). The state machine is written
// once and runs only for the channels that have something to do this cycle
// (`wake`, a vector built from the event sources with vector operations: a
// register pulse, the grant, a descriptor beat, a read error, a write
// response, or a state that does not only wait for one of those):
//   `job`  - the granted channel's job (its context read by index, only with
//            a grant) and whether it is a prefetch burst;
//   `next` - per woken channel: next state and the cycle's events (ev[c]),
//            computed once;
//   g_ch[c] - per woken channel: reads its context, applies the events,
//            writes the context back (one write per channel and cycle).
// What the rest of the controller needs every cycle is kept as vectors over
// the channels, registered with the state (`st_q[s]`: the channels in state
// s): request valid, stop / kill, wait_req, quiet. The status the register
// block reads (STATE, ERR_*, CUR_DESC, REMAINING, IRQ_RAW, TC_COUNT) is
// registered per channel in packed vectors it indexes on a read.
// Evaluation cost in a Verilated model: O(events) per cycle, not
// O(channels); a channel's code runs in the cycles it is woken.
// Interrupts, TC_COUNT, stop/kill and the cover points read ev: an event is
// where the state machine decides it, never re-derived beside it.
module dmac_channel
  import dmac_abi_pkg::*;
  import dmac_axi_pkg::*;
#(
  parameter int NUM_CH    = 8,
  parameter int NUM_REQ   = 16,
  parameter int DATA_W    = 64,
  localparam int CHW      = (NUM_CH > 1) ? $clog2(NUM_CH) : 1
) (
  input  logic               clk,
  input  logic               rst_n,
  // register block (per channel)
  input  logic [NUM_CH-1:0]  doorbell_i,      // DOORBELL written (pulse)
  input  logic [31:0]        doorbell_addr_i,
  input  logic [NUM_CH-1:0]  abort_i,         // CTRL.ABORT written with 1 (pulse)
  input  logic [NUM_CH-1:0]  pause_i,         // CTRL.PAUSE level
  input  logic [NUM_CH-1:0]  wb_en_i,         // CTRL.WB_EN level
  input  logic [NUM_CH-1:0][2:0] irq_clr_i,   // IRQ_STATUS W1C (pulse per bit)
  input  logic [NUM_CH-1:0]  irq_clr_any_i,   // irq_clr_i[c] != 0
  // arbiter and issue stage
  output logic [NUM_CH-1:0]  req_valid_o,     // channel c asks for a job
  output logic [NUM_CH-1:0]  req_wb_o,        // ... and it is a status write-back (JOB_WB)
  input  logic [NUM_CH-1:0]  grant_i,         // one-hot or zero
  input  logic [CHW-1:0]     grant_ch_i,      // its index (valid with a grant)
  output job_t               job_o,           // the granted channel's job (dmac_axi_pkg)
  input  logic [12:0]        grant_len_i,     // bytes of the granted job (data: the chunk, legalized by the issue stage)
  // progress events from the engines (at most one of each per cycle)
  input  logic               desc_beat_i,     // a descriptor beat
  input  logic [3:0]         desc_ch_i,
  input  logic [3:0]         desc_beat_idx_i, // beat number inside the descriptor read burst
  input  logic [DATA_W-1:0]  desc_beat_data_i,
  input  logic               rd_err_i,        // read error on a job
  input  logic [3:0]         rd_err_ch_i,
  input  logic               rd_err_desc_i,
  input  logic [1:0]         rd_err_resp_i,
  input  logic [31:0]        rd_err_addr_i,
  input  logic               bresp_i,         // a write response
  input  logic [3:0]         bresp_ch_i,
  input  logic               bresp_wb_i,
  input  logic               bresp_killed_i,  // a beat of that burst was killed (not written)
  input  logic [12:0]        bresp_len_i,
  input  logic [1:0]         bresp_resp_i,
  input  logic [31:0]        bresp_addr_i,
  input  logic [NUM_CH-1:0]  busy_i,          // any job of channel c in flight
  output logic [NUM_CH-1:0]  stop_o,          // issue no new write burst (abort or error drain)
  output logic [NUM_CH-1:0]  kill_o,          // clear the strobes of the remaining beats (data error)
  // peripheral handshake
  input  logic [NUM_REQ-1:0] dreq_burst_i,
  input  logic [NUM_REQ-1:0] dreq_single_i,
  output logic [NUM_REQ-1:0] dclr_o,
  output logic [NUM_REQ-1:0] dtc_o,
  // status for the register block (read by channel index)
  output logic [NUM_CH-1:0][1:0]  state_o,
  output logic [NUM_CH-1:0]  aborted_o,
  output logic [NUM_CH-1:0]  wait_req_o,
  output logic [NUM_CH-1:0]  busy_err_o,
  output logic [NUM_CH-1:0][3:0]  err_code_o,
  output logic [NUM_CH-1:0][1:0]  err_resp_o,
  output logic [NUM_CH-1:0][31:0] err_addr_o,
  output logic [NUM_CH-1:0][31:0] cur_desc_o,
  output logic [NUM_CH-1:0][31:0] remaining_o,
  output logic [NUM_CH-1:0][2:0]  irq_raw_o,
  output logic [NUM_CH-1:0][31:0] tc_count_o,
  output logic               quiet_o          // nothing will change in any channel without an input change
);
  localparam int W    = DATA_W / 8;
  localparam int WB   = $clog2(W);
  localparam int DESC_BEATS = 32 / W;
  // Descriptor prefetch ring: PF_G descriptors per speculative read burst
  // (128 B at 64/128-bit, 64 B at 32-bit: at most 16 beats, within MAX_BURST
  // >= 16). PF_N = four bursts' worth of descriptors per channel, of which a
  // descriptor longer than PF_SHORT bytes fills only PF_NL (two bursts). A
  // descriptor read's round trip is about 2 (1 + L) + 16 cycles (220 at
  // L = 100): 8 descriptors of 256 B carry enough data to cover it at 8 B a
  // cycle, 8 of 128 B do not. Deeper for long descriptors would only read
  // further past a chain's end (reads that take the R channel from data).
  localparam int PF_G  = (W >= 8) ? 4 : 2;
  localparam int PF_N  = 4 * PF_G;
  localparam int PF_NL = 2 * PF_G;
  localparam int PF_SHORT = 128;
  localparam int PIW   = $clog2(PF_N);
  // Retire queue: descriptors fully issued whose write responses are still
  // outstanding, behind the oldest one (ret_*): RQ_N + 1 descriptors can
  // retire while the current one issues. A 64 B descriptor retires about
  // 2 (1 + L) + 16 cycles after its read is issued (220 at L = 100), so a
  // chain of them can start one every 14 cycles at most with 16 retiring.
  // 15 entries fill a 4-bit count and index.
  localparam int RQ_N  = 15;
  localparam int RQW   = $clog2(RQ_N + 1);                 // a count 0..RQ_N
  localparam int RIW   = (RQ_N > 1) ? $clog2(RQ_N) : 1;    // an entry index
  localparam int DIW   = (DESC_BEATS > 1) ? $clog2(DESC_BEATS) : 1;
  localparam int RW    = (NUM_REQ > 1) ? $clog2(NUM_REQ) : 1;
  // Entry n places after entry i of the retire queue (i, n < RQ_N).
  function automatic logic [RIW-1:0] rq_index(input logic [RIW-1:0] i, input logic [RQW-1:0] n);
    int s;
    s = int'(i) + int'(n);
    return RIW'((s >= RQ_N) ? s - RQ_N : s);
  endfunction

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
  localparam int S_NUM = 15;

  // ------------------------------------------------------------ contexts
  // A channel's context: its registers, one record per channel (ctx_q[c]),
  // read and written as a whole in the cycles the channel steps (a Verilated
  // model then keeps one write flag per channel, not one per register).
  localparam int WPB = W / 4;        // descriptor words per data beat
  typedef struct packed {
    state_e          state;
    state_e          resume;       // state to return to after PAUSED
    logic [31:0]     desc_addr;    // descriptor in progress (CUR_DESC)
    logic            desc_loaded;  // its fields are valid (else REMAINING reads all ones)
    // Descriptor words 0..4 (bytes 0x00..0x13) as fetched (SRC, DST, NEXT,
    // LEN, CTRL): word k is raw[k].
    logic [4:0][31:0] raw;
    logic [31:0]     cur_src, cur_dst;
    logic [23:0]     rem_issue;    // bytes not yet issued
    logic [23:0]     rem_done;     // bytes whose write response has not arrived
    // Retiring descriptor: fully issued, its last writes still in flight
    // while the next descriptor is already fetched and issued (hides the
    // fetch latency). Same-ID write responses arrive in order, so every
    // response goes to the retiring descriptor first; CUR_DESC/REMAINING show
    // the oldest descriptor with unacknowledged bytes, which keeps the residue
    // exact. ret_valid routes responses: it stays set until every burst of
    // the retiring descriptor has been answered (ret_out), whatever the
    // response. ret_rem is the residue (OKAY responses only). If one of its
    // responses is an error (ret_err), CUR_DESC/REMAINING keep showing it (the
    // channel stops there) although later responses go to the current
    // descriptor.
    logic            ret_valid;
    logic [31:0]     ret_addr;
    logic [23:0]     ret_rem;
    logic [23:0]     ret_out;      // bytes whose write response (any) has not arrived
    logic            ret_err;
    logic            ret_tc;       // raise TC when it completes
    // An abort or error drain kills every pending write of the channel, the
    // retiring descriptor's included: a response to a burst with a killed
    // beat still retires its bytes from the bookkeeping, but that descriptor
    // did not reach memory and must never raise TC / count in TC_COUNT.
    logic            ret_lost;
    // The current descriptor's own bookkeeping for an abort: cur_lost = one
    // of its bursts had a killed beat or a non-OKAY response; cur_pend_tc =
    // the abort arrived after all of its bytes were issued and before its TC
    // was raised. Such a descriptor still completes (TC / TC_COUNT) at the end
    // of the abort drain if every one of its bytes got an OKAY response
    // un-killed.
    logic            cur_lost;
    logic            cur_pend_tc;
    // Later retiring descriptors (rq_q below): rq_cnt entries from rq_head on.
    logic [RQW-1:0]  rq_cnt;
    logic [RIW-1:0]  rq_head;
    // CUR_DESC / REMAINING after a write error on a retiring descriptor: that
    // descriptor (the channel stops there) while responses keep being routed
    // to the later ones. show_live: it is still the oldest retiring
    // descriptor (its OKAY responses still lower REMAINING).
    logic [31:0]     show_addr;
    logic [23:0]     show_rem;
    logic            show_live;
    // Descriptor prefetch ring (pf_raw_q below): the descriptors at pf_lo,
    // pf_lo + 32, ... (slot = address bits [5 +: PIW]): pf_cnt arrived, then
    // pf_fly of the bursts in flight. Per slot: a read error (held with its
    // descriptor until the chain gets there) and its response; pf_alone: the
    // descriptor was read on its own (a burst of one), so an error on it is
    // its own. A burst of several may fail as a whole for one bad address
    // (AXI allows an error response on every beat), so an errored descriptor
    // of such a burst is read again alone when the chain reaches it.
    logic [PF_N-1:0] pf_err;
    logic [PF_N-1:0] pf_alone;
    logic [PF_N-1:0][1:0] pf_err_resp;
    logic [31:0]     pf_lo;
    logic [PIW:0]    pf_cnt, pf_fly;
    logic            pf_en;        // the current descriptor may prefetch
    logic            pf_deep;      // ... up to PF_N ahead (its LEN <= PF_SHORT), else PF_NL
    logic [23:0]     req_left;     // bytes left of the current peripheral request
    logic            wb_done;
    logic            drain_err;    // S_DRAIN ends in ERROR (else IDLE + ABORTED)
  } ctx_t;
  ctx_t ctx_q [NUM_CH];

  // Per-channel bits the per-cycle logic reads as vectors (bit c = channel c).
  // The channels in each state (st_q[s][c] = ctx_q[c].state == s), written
  // with the state.
  /* verilator lint_off UNUSEDSIGNAL */   // FETCH_WAIT's row is never read
  logic [S_NUM-1:0][NUM_CH-1:0] st_q;
  /* verilator lint_on UNUSEDSIGNAL */
  // The drain is for a descriptor error (fetch or validation of the next
  // descriptor): that descriptor has no data in flight, so the only pending
  // writes belong to the retiring descriptor, whose data was all read
  // successfully. They are not killed: it completes (TC included) before the
  // error is reported. Any abort or data error clears this and kills them.
  logic [NUM_CH-1:0] drain_keep_q;
  // A data bus error happened: the data of bursts already issued may never
  // arrive, so their remaining beats go out with WSTRB = 0. An abort alone
  // never sets this: the reads of bursts already issued do complete (no AXI
  // transaction is abandoned), so those bursts finish with their data.
  logic [NUM_CH-1:0] drain_kill_q;
  logic [NUM_CH-1:0] dtc_pulse_q;
  // The context allows a hand-over in S_DESC_DRAIN (a next descriptor, memory
  // to memory, room in the retire queue); WB_EN and busy_i are levels read
  // beside it. Registered with the context.
  logic [NUM_CH-1:0] handoff_ok_q;

  // Status registers as the register block reads them (by channel index, on
  // a read): packed per channel. STATUS.STATE, CUR_DESC and REMAINING are
  // functions of the context, registered with it (the context changes in no
  // other cycle), so no per-channel logic runs every cycle to produce them.
  logic [NUM_CH-1:0]       aborted_q, busy_err_q;
  logic [NUM_CH-1:0][1:0]  vis_q;         // STATUS.STATE (DMAC_STATE_*)
  logic [NUM_CH-1:0][3:0]  err_code_q;
  // The same two per channel as arrays, for a waveform viewer (one row per
  // channel: ch_state[c], ch_err_code[c]); nothing reads them. Wires: a
  // register array written per channel would cost a Verilated model a
  // delayed-write flag per write site, set and tested in every cycle.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [1:0]              ch_state [NUM_CH];
  logic [3:0]              ch_err_code [NUM_CH];
  /* verilator lint_on UNUSEDSIGNAL */
  for (genvar c = 0; c < NUM_CH; c++) begin : g_wave
    assign ch_state[c]    = vis_q[c];
    assign ch_err_code[c] = err_code_q[c];
  end
  logic [NUM_CH-1:0][1:0]  err_resp_q;
  logic [NUM_CH-1:0][31:0] err_addr_q;
  logic [NUM_CH-1:0][31:0] cur_desc_q, remaining_q;
  logic [NUM_CH-1:0][2:0]  irq_raw_q;
  // Tests preset one channel's counter through the model's root and read it
  // back through the register block, which reads this variable.
  logic [NUM_CH-1:0][31:0] tc_count_q;

  // Memories. Later retiring descriptors, oldest first, behind ret_*:
  // address, bytes (none of their responses has arrived yet: responses go to
  // the oldest retiring descriptor first) and whether they raise TC. A
  // circular buffer per channel; entries are written once (at a hand-over)
  // and never moved. An entry is read only after it was written (rq_cnt
  // counts it), so the queue has no reset: a reset of every entry would cost
  // a Verilated model one write flag per entry, set and tested every cycle.
  typedef struct packed {
    logic [31:0] addr;
    logic [23:0] bytes;
    logic        tc;
  } rq_t;
  rq_t         rq_q [NUM_CH][RQ_N];
  // Descriptor prefetch (memory-to-memory chains without WB_EN): while the
  // current descriptor issues, the channel reads the next descriptor, and
  // when the chain is contiguous (NEXT = this + 32) the PF_G descriptors from
  // there in one burst, then further contiguous bursts while the ring has
  // room. The next descriptor is taken from the ring only if NEXT equals
  // pf_lo; otherwise the ring is dropped and the descriptor fetched.
  // Coherence (docs/dmac-spec.md, "Descriptor prefetch"): the ring is emptied
  // at every doorbell, so nothing read before a doorbell is used after it.
  // Word k of slot s of channel c: pf_raw_q[c][s * 5 + k].
  logic [31:0] pf_raw_q [NUM_CH][PF_N*5];

  // ------------------------------------------------- descriptor fields
  // Channel c's descriptor image decoded (word k of raw_q is descriptor byte
  // offset 4 k, offsets and fields from the package). A function: evaluated
  // only where a channel's step or the granted job reads it.
  // The helpers take a channel index (int) and the decoded descriptor whole;
  // each reads the part it needs. dsc_t holds NEXT and the CTRL fields the
  // per-cycle code reads (54 bits: one 64-bit word in a Verilated model,
  // which zero-initialises every inlined function's wider arguments and
  // results at each evaluation); SRC, DST, LEN and the reserved bits are read
  // from the image where they are used (dword).
  /* verilator lint_off UNUSEDSIGNAL */
  typedef struct packed {
    logic [31:0] next;
    logic        irq, src_inc, dst_inc;
    logic [1:0]  flow;
    logic [2:0]  width;
    logic [7:0]  burst;
    logic [4:0]  req;
    logic        periph;   // a peripheral flow (MEM2PER / PER2MEM)
  } dsc_t;
  // Word of channel c's descriptor image at byte offset `off` (DMAC_DESC_*).
  function automatic logic [31:0] dword(input int c, input logic [4:0] off);
    return ctx_q[c].raw[3'(off >> 2)];
  endfunction
  // A descriptor CTRL word with a peripheral flow (MEM2PER / PER2MEM).
  function automatic logic periph_of(input logic [31:0] ctrl);
    return ctrl[DMAC_DESC_CTRL_FLOW_SHIFT +: 2] == DMAC_FLOW_MEM2PER ||
           ctrl[DMAC_DESC_CTRL_FLOW_SHIFT +: 2] == DMAC_FLOW_PER2MEM;
  endfunction
  function automatic dsc_t dsc_of(input int c);
    dsc_t        d;
    logic [31:0] ctrl;
    ctrl      = dword(c, DMAC_DESC_CTRL);
    d.next    = dword(c, DMAC_DESC_NEXT);
    d.irq     = ctrl[DMAC_DESC_CTRL_IRQ_SHIFT];
    d.flow    = ctrl[DMAC_DESC_CTRL_FLOW_SHIFT +: 2];
    d.src_inc = ctrl[DMAC_DESC_CTRL_SRC_INC_SHIFT];
    d.dst_inc = ctrl[DMAC_DESC_CTRL_DST_INC_SHIFT];
    d.width   = ctrl[DMAC_DESC_CTRL_WIDTH_SHIFT +: 3];
    d.burst   = ctrl[DMAC_DESC_CTRL_BURST_SHIFT +: 8];
    d.req     = ctrl[DMAC_DESC_CTRL_REQ_SHIFT +: 5];
    d.periph  = periph_of(ctrl);
    return d;
  endfunction

  // ---------------------------------------------------------------- decode
  // Validation order = error-code order (first failing check wins); called
  // in S_DECODE only.
  function automatic logic [3:0] decode_error(input int c, input dsc_t d);
    logic [31:0] src, dst, len;
    logic [10:0] rsvd;
    logic [23:0] width_mask;   // (1 << WIDTH) - 1
    logic        fixed_bad;    // a fixed side must be WIDTH aligned and LEN a whole number of beats
    src        = dword(c, DMAC_DESC_SRC);
    dst        = dword(c, DMAC_DESC_DST);
    len        = dword(c, DMAC_DESC_LEN);
    rsvd       = 11'(dword(c, DMAC_DESC_CTRL) >> DMAC_DESC_CTRL_RSVD_SHIFT);
    width_mask = 24'((32'd1 << d.width) - 32'd1);
    fixed_bad  = (!d.src_inc && (src[23:0] & width_mask) != '0) ||
                 (!d.dst_inc && (dst[23:0] & width_mask) != '0) ||
                 ((!d.src_inc || !d.dst_inc) && (len[23:0] & width_mask) != '0);
    // One expression (Verilator's coverage counts no branch of an early
    // return in a function; the error kinds have their own cover points).
    return (len[23:0] == '0 || len[31:24] != '0)                        ? DMAC_ERR_DESC_LEN   :
           (rsvd != '0 || d.flow == 2'd3 || int'(d.width) > WB)          ? DMAC_ERR_DESC_RSVD  :
           (d.next[4:0] != '0)                                           ? DMAC_ERR_DESC_ALIGN :
           (d.periph && int'(d.req) >= NUM_REQ)                          ? DMAC_ERR_DESC_REQ   :
           fixed_bad                                                     ? DMAC_ERR_DESC_FIXED : DMAC_ERR_NONE;
  endfunction

  // Peripheral request size in bytes (a burst or a single), capped by what is
  // left of the descriptor; evaluated in S_WAIT_REQ only.
  function automatic logic [23:0] req_bytes(input dsc_t d, input logic burst, input logic [23:0] rem);
    logic [23:0] b;
    b = burst ? 24'((32'(d.burst) + 32'd1) << d.width) : 24'(32'd1 << d.width);
    return (b < rem) ? b : rem;
  endfunction

  // Request line of a descriptor (validated < NUM_REQ before use).
  function automatic logic [RW-1:0] req_idx(input dsc_t d);
    return (int'(d.req) < NUM_REQ) ? RW'(d.req) : '0;
  endfunction
  // Its request lines (the "last" forms are folded in by the top).
  function automatic logic dreq_b(input dsc_t d);
    return dreq_burst_i[req_idx(d)];
  endfunction
  function automatic logic dreq_any(input dsc_t d);
    return dreq_burst_i[req_idx(d)] || dreq_single_i[req_idx(d)];
  endfunction

  // The chunk a data job offers: what is left (of the descriptor, or of the
  // current peripheral request); the shared issue stage (dmac_axi_read) cuts
  // it to a legal burst and reports its length back in grant_len_i.
  function automatic logic [23:0] avail(input int c, input dsc_t d);
    return d.periph ? ctx_q[c].req_left : ctx_q[c].rem_issue;
  endfunction

  /* verilator lint_on UNUSEDSIGNAL */

  // ------------------------------------------------------------- events
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
  ev_t    ev      [NUM_CH];
  state_e state_d [NUM_CH];

  // The channel each engine event is for, one-hot (at most one of each per
  // cycle); berr_oh: a write response with an error.
  logic [NUM_CH-1:0] desc_oh, rerr_oh, b_oh, berr_oh;
  assign desc_oh = desc_beat_i ? NUM_CH'(1) << desc_ch_i : '0;
  assign rerr_oh = rd_err_i ? NUM_CH'(1) << rd_err_ch_i : '0;
  assign b_oh    = bresp_i ? NUM_CH'(1) << bresp_ch_i : '0;
  assign berr_oh = (bresp_resp_i != 2'b00) ? b_oh : '0;

  // Channels whose state machine runs this cycle: a state that does not only
  // wait for an event (DECODE, PF_WAIT; DESC_DRAIN once busy_i drops or while
  // a hand-over is possible; XFER and WAIT_REQ with PAUSE set; the drains
  // once busy_i drops; PAUSED once PAUSE clears), or an event for the
  // channel. A DESC_DRAIN that can hand over neither (end of chain, WB_EN, a
  // peripheral flow, the retire queue full) waits for busy_i to drop or for a
  // write response (which may free the queue).
  logic [NUM_CH-1:0] wake;
  assign wake = st_q[S_DECODE] | st_q[S_PF_WAIT] |
                (st_q[S_DESC_DRAIN] & (~busy_i | (handoff_ok_q & ~wb_en_i))) |
                ((st_q[S_XFER] | st_q[S_WAIT_REQ]) & pause_i) |
                ((st_q[S_REQ_DRAIN] | st_q[S_PAUSING] | st_q[S_DRAIN]) & ~busy_i) |
                (st_q[S_PAUSED] & ~pause_i) |
                doorbell_i | abort_i | grant_i | desc_oh | rerr_oh | b_oh | irq_clr_any_i | dtc_pulse_q;
  // Channels in a handshake state that follows the request lines at the
  // clock edge (S_WAIT_REQ not pausing, S_DCLR): see the register stage.
  logic [NUM_CH-1:0] hs;
  assign hs = (st_q[S_WAIT_REQ] & ~pause_i) | st_q[S_DCLR];

  // ---------------------------------------------------------- job request
  // Requests as vectors: FETCH, WB, and XFER unless paused or an error for
  // the channel arrives now; never with an abort pulse.
  assign req_valid_o = (st_q[S_FETCH] | st_q[S_WB] | (st_q[S_XFER] & ~pause_i & ~rerr_oh & ~berr_oh)) & ~abort_i;
  assign req_wb_o    = st_q[S_WB];

  // The granted channel's job, read by its index. Prefetch request (only in
  // S_XFER, where it has priority over the data job): the ring is empty (read
  // at NEXT: PF_G descriptors if the chain is contiguous here, else one), or
  // it starts at NEXT and the chain is contiguous (read on after the last
  // descriptor in the ring). Never across 4 KiB (dmac_axi_pkg::desc_burst),
  // only with room for PF_G more within the current descriptor's depth (PF_N
  // if pf_deep, else PF_NL). A request refused there stays refused until the next descriptor
  // (arrivals keep pf_cnt_q + pf_fly_q, NEXT does not change).
  // pf_first: the ring is empty (the burst sets pf_lo_q).
  logic        g_pf_req;      // the granted job is a prefetch burst
  logic        g_pf_first;
  logic [31:0] g_pf_fa;       // its address
  logic [PIW:0] g_pf_n;       // its descriptors
  always_comb begin : job
    dsc_t        d;
    int          g;
    logic        pf_contig;
    g             = int'(grant_ch_i);
    d             = '0;
    job_o.kind    = JOB_DATA;
    job_o.src     = '0;
    job_o.dst     = '0;
    job_o.len     = '0;
    job_o.src_inc = 1'b1;
    job_o.dst_inc = 1'b1;
    job_o.width   = '0;
    g_pf_req      = 1'b0;
    g_pf_first    = 1'b0;
    g_pf_fa       = '0;
    g_pf_n        = '0;
    pf_contig     = 1'b0;
    if (grant_i != '0) begin
      d             = dsc_of(g);
      job_o.src     = ctx_q[g].cur_src;
      job_o.dst     = ctx_q[g].cur_dst;
      job_o.len     = avail(g, d);
      job_o.src_inc = d.src_inc;
      job_o.dst_inc = d.dst_inc;
      job_o.width   = d.width;
      // A grant comes only with a request: FETCH, WB, or else XFER.
      if (ctx_q[g].state == S_FETCH) begin
        job_o.kind    = JOB_DESC;
        job_o.src     = ctx_q[g].desc_addr;
        job_o.len     = 24'd32;
        job_o.src_inc = 1'b1;
        job_o.dst_inc = 1'b1;
        job_o.width   = 3'(WB);
      end else if (ctx_q[g].state == S_WB) begin
        job_o.kind    = JOB_WB;
        job_o.src     = DMAC_DESC_STATUS_DONE | dword(g, DMAC_DESC_LEN);
        job_o.dst     = ctx_q[g].desc_addr + 32'(DMAC_DESC_STATUS);
        job_o.len     = 24'd4;
        job_o.src_inc = 1'b1;
        job_o.dst_inc = 1'b1;
        job_o.width   = 3'd2;
      end else begin
        if (ctx_q[g].pf_en) begin
          g_pf_first = ctx_q[g].pf_cnt == '0 && ctx_q[g].pf_fly == '0;
          pf_contig  = d.next == ctx_q[g].desc_addr + 32'd32;
          g_pf_req   = g_pf_first || (pf_contig && ctx_q[g].pf_lo == d.next &&
                                      32'(ctx_q[g].pf_cnt) + 32'(ctx_q[g].pf_fly) + 32'(PF_G) <=
                                      (ctx_q[g].pf_deep ? 32'(PF_N) : 32'(PF_NL)));
        end
        if (g_pf_req) begin
          g_pf_fa = g_pf_first ? d.next : ctx_q[g].pf_lo + ((32'(ctx_q[g].pf_cnt) + 32'(ctx_q[g].pf_fly)) << 5);
          g_pf_n  = pf_contig ? (PIW+1)'(dmac_axi_pkg::desc_burst(g_pf_fa[11:0], 9'(PF_G))) : (PIW+1)'(1);
          job_o.kind    = JOB_DESC;
          job_o.src     = g_pf_fa;
          job_o.len     = 24'(g_pf_n) << 5;
          job_o.src_inc = 1'b1;
          job_o.dst_inc = 1'b1;
          job_o.width   = 3'(WB);
        end
      end
    end
  end

  // Prefetch ring slots of channel c. The ring holds the descriptors at
  // pf_lo_q, pf_lo_q + 32, ... (slot = address bits [5 +: PIW]). Same-ID
  // reads return in order: a beat always belongs to the first descriptor not
  // yet arrived.
  // Helpers by channel index (see above).
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [PIW-1:0] pf_lo_slot(input int c);
    return ctx_q[c].pf_lo[5 +: PIW];
  endfunction
  function automatic logic [PIW-1:0] pf_beat_slot(input int c);
    return ctx_q[c].pf_lo[5 +: PIW] + PIW'(ctx_q[c].pf_cnt);
  endfunction

  // Bytes of channel c's current descriptor still unanswered after this
  // cycle's write response (REMAINING counts bytes not written: a killed
  // burst's OKAY retires none; responses go to a retiring descriptor first).
  function automatic logic [23:0] rem_done_after(input int c, input logic b_written);
    return ctx_q[c].rem_done - ((b_written && !ctx_q[c].ret_valid) ? 24'(bresp_len_i) : 24'd0);
  endfunction

  // The next descriptor is (being) prefetched: the ring has a burst in
  // flight or starts at NEXT. Read only where the chain moves on.
  function automatic logic pf_keep(input int c, input logic [31:0] next);
    return ctx_q[c].pf_fly != '0 || (ctx_q[c].pf_cnt != '0 && ctx_q[c].pf_lo == next);
  endfunction

  /* verilator lint_on UNUSEDSIGNAL */

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
  // One step per woken channel; the others keep ev[c] = 0. stop / kill of
  // this cycle are collected as vectors for the write engine.
  logic [NUM_CH-1:0] ev_stop, ev_kill;
  always_comb begin : next
    ev_t        e;
    state_e     sq, sd;   // the channel's state now and next
    dsc_t       d;
    logic       hit, err_slot, idle_like;
    logic [3:0] dec_err;
    ev_stop = '0;
    ev_kill = '0;
    // The locals are set before use in each woken channel's step (they are
    // module variables in a Verilated model: setting them for every channel
    // would cost stores in every cycle); state_d[c] is read only with
    // ev[c].wake.
    sq        = S_IDLE;
    sd        = S_IDLE;
    e         = '0;
    d         = '0;
    hit       = 1'b0;
    err_slot  = 1'b0;
    dec_err   = DMAC_ERR_NONE;
    idle_like = 1'b0;
    for (int c = 0; c < NUM_CH; c++) begin
      ev[c]      = '0;
      state_d[c] = S_IDLE;
      if (wake[c]) begin
        sq        = ctx_q[c].state;
        sd        = sq;
        e         = '0;
        hit       = 1'b0;
        err_slot  = 1'b0;
        dec_err   = DMAC_ERR_NONE;
        idle_like = (sq == S_IDLE) || (sq == S_ERROR);
        d         = dsc_of(c);
        e.wake    = 1'b1;
        // Write responses: residue bookkeeping and the retire queue.
        if (b_oh[c] && !bresp_wb_i) begin
          e.b_data    = 1'b1;
          e.b_written = bresp_resp_i == 2'b00 && !bresp_killed_i;
          e.b_lost    = bresp_killed_i || bresp_resp_i != 2'b00;
          e.ret_pop   = ctx_q[c].ret_valid && ctx_q[c].ret_out == 24'(bresp_len_i);
          // A retiring descriptor completes with its last good write response
          // if none of its bursts had a beat killed (all of its bytes reached
          // memory). A write error on a retiring descriptor (ret_err_q) also
          // denies TC to the ones queued behind it.
          e.tc_retire = e.ret_pop && e.b_written && ctx_q[c].ret_tc && !ctx_q[c].ret_lost && !ctx_q[c].ret_err;
        end
        // A prefetched descriptor arrives with its last beat.
        e.pf_arrive = desc_oh[c] && ctx_q[c].pf_fly != '0 && desc_beat_idx_i[DIW-1:0] == DIW'(DESC_BEATS - 1);
        // Bus errors (a descriptor read error of a prefetch is held with its
        // descriptor until the chain gets there).
        if (rerr_oh[c] && !(rd_err_desc_i && ctx_q[c].pf_fly != '0)) begin
          e.bus_err  = 1'b1;
          e.err_code = rd_err_desc_i ? DMAC_ERR_DESC_READ : DMAC_ERR_DATA_READ;
          e.err_resp = rd_err_resp_i;
          e.err_src  = ERR_SRC_RD;
        end else if (berr_oh[c]) begin
          e.bus_err  = 1'b1;
          e.err_code = DMAC_ERR_DATA_WRITE;
          e.err_resp = bresp_resp_i;
          e.err_src  = ERR_SRC_B;
        end
        // A doorbell while busy only sets BUSY_ERR; it must not mask a
        // same-cycle bus error or the state machine.
        e.busy_err = doorbell_i[c] && !idle_like;

        if (doorbell_i[c] && idle_like) begin
          e.db_start = 1'b1;
          if (doorbell_addr_i[4:0] != '0) begin
            e.rec_err  = 1'b1;
            e.err_code = DMAC_ERR_DESC_ALIGN;
            e.err_resp = 2'b00;
            e.err_src  = ERR_SRC_DB;
            e.err_evt  = 1'b1;
            sd         = S_ERROR;
          end else begin
            sd         = S_FETCH;
          end
        end else if (e.bus_err && !idle_like) begin
          // First error wins; later ones (during the drain) are not recorded.
          // A descriptor read error keeps the retiring descriptor's writes
          // (drain_keep_q); a data error kills them, from this cycle on.
          e.rec_err  = !(sq == S_DRAIN && ctx_q[c].drain_err);
          e.drain    = 1'b1;
          e.keep     = (e.err_code == DMAC_ERR_DESC_READ) && (sq != S_DRAIN || drain_keep_q[c]);
          e.kill_set = e.err_code != DMAC_ERR_DESC_READ;
          e.kill     = e.kill_set;
          e.stop     = e.kill_set || (abort_i[c] && sq != S_DRAIN);
          sd         = S_DRAIN;
        end else if (abort_i[c] && sq != S_IDLE && sq != S_DRAIN) begin
          if (sq == S_ERROR) begin
            e.abort_idle = 1'b1;        // leave ERROR: the channel is idle again
            e.abort_evt  = !e.bus_err;
            sd           = S_IDLE;
          end else begin
            e.abort_drain = 1'b1;
            e.stop        = 1'b1;
            // All of the current descriptor issued, its TC not raised yet.
            e.pend_tc     = ctx_q[c].desc_loaded && ctx_q[c].rem_issue == '0 && (d.irq || d.next == '0) &&
                            (sq == S_REQ_DRAIN || sq == S_DCLR || sq == S_DESC_DRAIN || sq == S_WB);
            sd            = S_DRAIN;
          end
        end else begin
          e.fsm_step = 1'b1;
          unique case (sq)
            S_IDLE, S_ERROR: ;
            S_FETCH: if (grant_i[c]) sd = S_FETCH_WAIT;
            S_FETCH_WAIT:
              if (desc_oh[c] && int'(desc_beat_idx_i) == DESC_BEATS - 1) sd = S_DECODE;
            S_DECODE: begin
              dec_err = decode_error(c, d);
              if (dec_err != DMAC_ERR_NONE) begin
                e  = desc_error(e, dec_err, 2'b00);
                sd = S_DRAIN;
              end else begin
                e.load = 1'b1;
                sd     = d.periph ? S_WAIT_REQ : S_XFER;
              end
            end
            S_XFER: begin
              if (grant_i[c] && g_pf_req) begin
                // the ring counters follow the grant
              end else if (grant_i[c]) begin
                e.issue = 1'b1;
                if (d.periph ? (ctx_q[c].req_left == 24'(grant_len_i)) : (ctx_q[c].rem_issue == 24'(grant_len_i)))
                  sd = d.periph ? S_REQ_DRAIN : S_DESC_DRAIN;
              end else if (pause_i[c]) begin
                e.pause = 1'b1;
                sd      = S_PAUSING;
              end
            end
            // S_WAIT_REQ (not pausing) and S_DCLR follow the request lines:
            // the register stage below.
            S_WAIT_REQ: if (pause_i[c]) begin
              e.pause = 1'b1;
              sd      = S_PAUSING;
            end
            S_REQ_DRAIN: if (!busy_i[c]) begin
              e.dtc_set = 1'b1;
              sd        = S_DCLR;
            end
            S_DCLR: ;
            S_DESC_DRAIN: begin
              // Hand-over needs: no write-back (it must follow the data), a
              // next descriptor, memory-to-memory (peripheral flows drain per
              // request anyway) and room behind the descriptors still retiring
              // (handoff_ok_q), or a same-cycle pop that makes that room.
              if (busy_i[c] && !wb_en_i[c] && (handoff_ok_q[c] || (e.ret_pop && d.next != '0 && !d.periph))) begin
                // Retire this descriptor in the background, start the next now.
                e.handoff    = 1'b1;
                e.tc_handoff = rem_done_after(c, e.b_written) == '0 && d.irq;
                e.next_desc  = 1'b1;
              end else if (!busy_i[c]) begin
                if (wb_en_i[c] && !ctx_q[c].wb_done) begin
                  sd = S_WB;
                end else begin
                  e.tc_drain = d.irq || d.next == '0;
                  if (d.next == '0) begin
                    e.end_chain = 1'b1;
                    sd          = S_IDLE;
                  end else begin
                    e.next_desc = 1'b1;
                  end
                end
              end
              // On to the next descriptor (handed over or drained): one rule
              // for both ways, from the prefetch ring when it holds it.
              if (e.next_desc) begin
                e.pf_drop = !pf_keep(c, d.next);
                sd        = pf_keep(c, d.next) ? S_PF_WAIT : S_FETCH;
              end
            end
            S_WB: if (grant_i[c]) begin
              e.wb_granted = 1'b1;
              sd           = S_DESC_DRAIN;
            end
            S_PF_WAIT: begin
              // Take the descriptor at pf_lo_q when it is the one the chain
              // needs; drop the ring when it is not there and nothing is in
              // flight. A descriptor of a multi-descriptor burst with an error
              // is read again alone (its burst may have failed for another).
              hit      = ctx_q[c].pf_cnt != '0 && ctx_q[c].pf_lo == ctx_q[c].desc_addr;
              err_slot = ctx_q[c].pf_err[pf_lo_slot(c)] && !ctx_q[c].pf_alone[pf_lo_slot(c)];
              if (hit && err_slot && ctx_q[c].pf_fly == '0) begin
                e.pf_refetch = 1'b1;
                e.pf_drop    = 1'b1;
                sd           = S_FETCH;   // read it again, alone (the ring is dropped)
              end else if (hit && !err_slot) begin
                e.pf_take = 1'b1;
                if (ctx_q[c].pf_err[pf_lo_slot(c)]) begin
                  e  = desc_error(e, DMAC_ERR_DESC_READ, ctx_q[c].pf_err_resp[pf_lo_slot(c)]);
                  sd = S_DRAIN;
                end else begin
                  e.take_raw = 1'b1;
                  sd         = S_DECODE;
                end
              end else if (!hit && ctx_q[c].pf_fly == '0) begin
                e.pf_miss = 1'b1;
                e.pf_drop = 1'b1;
                sd        = S_FETCH;   // not in the ring (it is dropped): fetch it
              end
            end
            S_PAUSING: if (!busy_i[c]) sd = S_PAUSED;
            S_PAUSED:  if (!pause_i[c]) sd = ctx_q[c].resume;
            S_DRAIN: if (!busy_i[c]) begin
              if (ctx_q[c].drain_err) begin
                e.err_evt = 1'b1;
                sd        = S_ERROR;
              end else begin
                // End of an abort drain: the current descriptor, fully issued
                // before the abort, completes if all of its bytes were
                // acknowledged OKAY, none killed.
                e.drain_idle = 1'b1;
                e.abort_evt  = 1'b1;
                e.tc_abort   = ctx_q[c].cur_pend_tc && !ctx_q[c].cur_lost && ctx_q[c].rem_done == '0;
                sd           = S_IDLE;
              end
            end
            default: sd = S_IDLE;
          endcase
        end
        ev[c]      = e;
        state_d[c] = sd;
        ev_stop[c] = e.stop;
        ev_kill[c] = e.kill;
      end
    end
  end

  // Reads the completion events only.
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic tc_event(input ev_t e);
    return e.tc_drain || e.tc_handoff || e.tc_retire || e.tc_abort;
  endfunction

  /* verilator lint_on UNUSEDSIGNAL */

  // STATUS.STATE of a state.
  // One expression (Verilator's line coverage counts no `return` in a case).
  function automatic logic [1:0] vis_of(input state_e s);
    return (s == S_IDLE)   ? DMAC_STATE_IDLE   :
           (s == S_PAUSED) ? DMAC_STATE_PAUSED :
           (s == S_ERROR)  ? DMAC_STATE_ERROR  : DMAC_STATE_ACTIVE;
  endfunction

  // ------------------------------------------------------------ registers
  // One clocked block per channel (a generate loop: its context element is
  // a constant there), doing something only in the cycles the channel has
  // something to do (its state machine ran, or it is in a handshake state):
  // the next state and the events' actions on its context.
  localparam ctx_t CTX_RESET = '{state: S_IDLE, resume: S_XFER, default: '0};
  for (genvar c = 0; c < NUM_CH; c++) begin : g_ch
    always_ff @(posedge clk) begin
      if (!rst_n) begin
        ctx_q[c]         <= CTX_RESET;
        for (int s = 0; s < S_NUM; s++) st_q[s][c] <= s == int'(S_IDLE);
        drain_keep_q[c]  <= 1'b0;
        drain_kill_q[c]  <= 1'b0;
        dtc_pulse_q[c]   <= 1'b0;
        handoff_ok_q[c]  <= 1'b0;
        aborted_q[c]     <= 1'b0;
        busy_err_q[c]    <= 1'b0;
        vis_q[c]         <= DMAC_STATE_IDLE;
        err_code_q[c]    <= DMAC_ERR_NONE;
        err_resp_q[c]    <= 2'b00;
        err_addr_q[c]    <= '0;
        cur_desc_q[c]    <= '0;
        remaining_q[c]   <= '0;
        irq_raw_q[c]     <= '0;
        tc_count_q[c]    <= '0;
      end else if (wake[c] || hs[c]) begin
        ctx_t   q, n;     // the context now and after this cycle
        dsc_t   d;
        ev_t    e;
        state_e ns;
        q  = ctx_q[c];
        n  = q;
        d  = dsc_of(c);
        e  = ev[c];
        ns = q.state;
        if (e.wake) begin
          ns             = state_d[c];
          dtc_pulse_q[c] <= e.dtc_set && q.rem_issue == '0;
          // Event wins over a same-cycle clear.
          irq_raw_q[c]   <= (irq_raw_q[c] & ~irq_clr_i[c]) | {e.abort_evt, e.err_evt, tc_event(e)};
          // Two can complete in one cycle (a hand-over and a retiring one).
          if (tc_event(e))
            tc_count_q[c] <= tc_count_q[c] + 32'(e.tc_drain) + 32'(e.tc_handoff) + 32'(e.tc_retire) +
                             32'(e.tc_abort);

          // Prefetch ring counters: a take moves the ring on, a drop empties
          // it, an arrival moves a descriptor from in flight to arrived, a
          // granted burst adds its descriptors in flight (and places the ring
          // when it was empty).
          if (e.pf_take || e.pf_drop || e.pf_arrive)
            n.pf_cnt = (e.pf_drop ? '0 : q.pf_cnt - (PIW+1)'(e.pf_take)) + (PIW+1)'(e.pf_arrive);
          if (e.pf_take) n.pf_lo = q.pf_lo + 32'd32;
          if (grant_i[c] && g_pf_req) begin
            n.pf_fly = q.pf_fly - (PIW+1)'(e.pf_arrive) + g_pf_n;
            if (g_pf_first) n.pf_lo = g_pf_fa;
            // The granted burst's slots learn whether it reads one descriptor.
            for (int k = 0; k < PF_G; k++)
              if (k < int'(g_pf_n)) n.pf_alone[g_pf_fa[5 +: PIW] + PIW'(k)] = g_pf_n == (PIW+1)'(1);
          end else if (e.pf_arrive) begin
            n.pf_fly = q.pf_fly - 1'b1;
          end

          // Residue: every good data write response retires its bytes, oldest
          // descriptor first. Every data write response (error included)
          // answers its bytes: responses go to the retiring descriptor until
          // all of its bursts are answered, then to the current one.
          if (e.b_data) begin
            if (!q.ret_valid) begin
              if (e.b_written) n.rem_done = q.rem_done - 24'(bresp_len_i);
              if (e.b_lost)    n.cur_lost = 1'b1;
            end else begin
              if (e.b_written) n.ret_rem = q.ret_rem - 24'(bresp_len_i);
              n.ret_out = q.ret_out - 24'(bresp_len_i);
              if (e.b_lost) n.ret_lost = 1'b1;
              if (q.show_live && e.b_written) n.show_rem = q.show_rem - 24'(bresp_len_i);
              if (bresp_resp_i != 2'b00 && !q.ret_err) begin
                n.ret_err = 1'b1;
                n.show_addr = q.ret_addr;
                n.show_rem = q.ret_rem;
                n.show_live = 1'b1;
              end
              if (e.ret_pop) begin
                n.show_live = 1'b0;
                // The next retiring descriptor (if any) becomes the oldest.
                n.ret_valid = q.rq_cnt != '0;
                n.ret_lost = 1'b0;
                if (q.rq_cnt != '0) begin
                  n.ret_addr = rq_q[c][q.rq_head].addr;
                  n.ret_rem = rq_q[c][q.rq_head].bytes;
                  n.ret_out = rq_q[c][q.rq_head].bytes;
                  n.ret_tc = rq_q[c][q.rq_head].tc;
                  n.rq_head = rq_index(q.rq_head, RQW'(1));
                  n.rq_cnt = q.rq_cnt - 1'b1;
                end
              end
            end
          end

          // Descriptor beats land in the raw image (bytes 0x00..0x13 are
          // used), or, for a prefetch burst, in the ring. A beat carries words
          // idx * WPB .. idx * WPB + WPB - 1 (one write per word lane).
          // (The ring's words are written by its own write port, below.)
          if (desc_oh[c] && q.pf_fly != '0) begin
            if (desc_beat_idx_i[DIW-1:0] == '0) begin
              n.pf_err[pf_beat_slot(c)] = rd_err_i && rd_err_desc_i;
              n.pf_err_resp[pf_beat_slot(c)] = rd_err_resp_i;
            end else if (rd_err_i && rd_err_desc_i && !q.pf_err[pf_beat_slot(c)]) begin
              n.pf_err[pf_beat_slot(c)] = 1'b1;
              n.pf_err_resp[pf_beat_slot(c)] = rd_err_resp_i;
            end
          end else if (desc_oh[c]) begin
            for (int j = 0; j < WPB; j++) begin
              if (int'(desc_beat_idx_i) * WPB + j < 5)
                n.raw[int'(desc_beat_idx_i) * WPB + j] = desc_beat_data_i[j*32 +: 32];
            end
          end

          if (e.busy_err) busy_err_q[c] <= 1'b1;
          if (e.rec_err) begin
            err_resp_q[c] <= e.err_resp;
            unique case (e.err_src)
              ERR_SRC_RD: err_addr_q[c] <= rd_err_addr_i;
              ERR_SRC_B:  err_addr_q[c] <= bresp_addr_i;
              ERR_SRC_DB: err_addr_q[c] <= doorbell_addr_i;
              default:    err_addr_q[c] <= q.desc_addr;
            endcase
          end
          if (e.drain) begin
            n.drain_err = 1'b1;
            drain_keep_q[c] <= e.keep;
          end
          if (e.kill_set) drain_kill_q[c] <= 1'b1;
          if (e.abort_drain) begin
            n.drain_err = 1'b0;
            drain_keep_q[c]  <= 1'b0;
            n.cur_pend_tc = e.pend_tc;
          end
          if (e.pause) n.resume = q.state;
          if (e.load) begin
            n.cur_src = dword(c, DMAC_DESC_SRC);
            n.cur_dst = dword(c, DMAC_DESC_DST);
            n.rem_issue = 24'(dword(c, DMAC_DESC_LEN));
            n.rem_done = 24'(dword(c, DMAC_DESC_LEN));
            n.desc_loaded = 1'b1;
            n.cur_lost = 1'b0;
            n.wb_done = 1'b0;
            n.pf_en = !d.periph && d.next != '0 && !wb_en_i[c];
            n.pf_deep = 24'(dword(c, DMAC_DESC_LEN)) <= 24'(PF_SHORT);
          end
          if (e.issue) begin
            if (d.src_inc) n.cur_src = q.cur_src + 32'(grant_len_i);
            if (d.dst_inc) n.cur_dst = q.cur_dst + 32'(grant_len_i);
            n.rem_issue = q.rem_issue - 24'(grant_len_i);
            n.req_left = q.req_left - 24'(grant_len_i);
          end
          if (e.handoff) begin
            if (!q.ret_valid || (e.ret_pop && q.rq_cnt == '0)) begin
              n.ret_valid = rem_done_after(c, e.b_written) != '0;
              n.ret_addr = q.desc_addr;
              n.ret_rem = rem_done_after(c, e.b_written);
              n.ret_out = rem_done_after(c, e.b_written);
              n.ret_err = 1'b0;
              n.ret_tc = d.irq;
              n.ret_lost = 1'b0;
            end else begin
              // Behind the ones already retiring, after this cycle's pop: a
              // same-cycle pop moves the head on by one and shortens the queue
              // by one, so the entry is rq_head_q + rq_cnt_q either way.
              rq_q[c][rq_index(q.rq_head, q.rq_cnt)] <= '{addr: q.desc_addr, bytes: rem_done_after(c, e.b_written),
                                                         tc: d.irq};
              n.rq_cnt = ((e.ret_pop && q.rq_cnt != '0) ? q.rq_cnt - 1'b1 : q.rq_cnt) + 1'b1;
            end
          end
          if (e.next_desc) begin
            n.desc_addr = d.next;
            n.desc_loaded = 1'b0;
          end
          if (e.wb_granted) n.wb_done = 1'b1;
          if (e.take_raw)
            for (int k = 0; k < 5; k++) n.raw[k] = pf_raw_q[c][int'(pf_lo_slot(c)) * 5 + k];
          if (e.end_chain || e.abort_idle || e.drain_idle) begin
            n.desc_addr = '0;
            if (!e.abort_idle) n.desc_loaded = 1'b0;
          end
          if (e.abort_idle || e.drain_idle) begin
            aborted_q[c]   <= 1'b1;
            n.ret_valid = 1'b0;
            n.ret_err = 1'b0;
            n.rq_cnt = '0;
            n.show_live = 1'b0;
          end
          if (e.drain_idle) n.cur_pend_tc = 1'b0;
          if (e.db_start) begin
            busy_err_q[c]    <= 1'b0;
            aborted_q[c]     <= 1'b0;
            drain_kill_q[c]  <= 1'b0;
            tc_count_q[c]    <= '0;
            n.desc_addr = doorbell_addr_i;
            n.desc_loaded = 1'b0;
            n.ret_valid = 1'b0;
            n.ret_err = 1'b0;
            n.rq_cnt = '0;
            n.show_live = 1'b0;
            n.cur_pend_tc = 1'b0;
            n.pf_cnt = '0;
            n.pf_en = 1'b0;
            if (!e.rec_err) begin
              err_resp_q[c] <= 2'b00;
              err_addr_q[c] <= '0;
            end
          end
        end
        // Peripheral handshake: S_WAIT_REQ takes a request (burst first),
        // S_DCLR holds DMACCLR until the request lines drop. The state
        // machine parks in both and the request lines are read here, at the
        // clock edge only: no combinational path runs from the dreq pins
        // into `next` (a Verilated model would evaluate it again on every
        // input change). Only when the state machine did not run or reached
        // its state case (no doorbell, error or abort first).
        if (hs[c] && (!e.wake || e.fsm_step)) begin
          if (q.state == S_WAIT_REQ) begin
            if (dreq_any(d)) begin
              n.req_left = req_bytes(d, dreq_b(d), q.rem_issue);
              ns            = S_XFER;
            end
          end else if (!dreq_any(d)) begin
            ns = (q.rem_issue == '0) ? S_DESC_DRAIN : S_WAIT_REQ;
          end
        end
        // ERR_CODE: recorded with an error, cleared by an accepted doorbell
        // that records none.
        if (e.rec_err || e.db_start) begin
          err_code_q[c]  <= e.rec_err ? e.err_code : DMAC_ERR_NONE;
        end
        n.state  = ns;
        ctx_q[c] <= n;
        handoff_ok_q[c] <= n.raw[3'(DMAC_DESC_NEXT >> 2)] != '0 && !periph_of(n.raw[3'(DMAC_DESC_CTRL >> 2)]) &&
                           (!n.ret_valid || n.rq_cnt != RQW'(RQ_N));
        if (ns != q.state) begin
          st_q[q.state][c] <= 1'b0;
          st_q[ns][c]      <= 1'b1;
          vis_q[c]         <= vis_of(ns);
        end
        // CUR_DESC/REMAINING: the descriptor a write error stopped at, else
        // the oldest retiring descriptor, else the current one.
        cur_desc_q[c]  <= n.ret_err ? n.show_addr : n.ret_valid ? n.ret_addr : n.desc_addr;
        remaining_q[c] <= n.ret_err ? 32'(n.show_rem) : n.ret_valid ? 32'(n.ret_rem) :
                          (ns == S_IDLE) ? 32'd0 : (n.desc_loaded ? 32'(n.rem_done) : 32'hFFFF_FFFF);
      end
    end
  end

  // The prefetch ring's write port: a descriptor beat of a prefetch burst
  // (one per cycle at most) lands in the slot of the first descriptor of its
  // channel not yet arrived. Nothing reads a slot before its descriptor has
  // arrived, so the ring needs no reset.
  always_ff @(posedge clk) begin
    if (rst_n && desc_beat_i && ctx_q[CHW'(desc_ch_i)].pf_fly != '0) begin
      for (int j = 0; j < WPB; j++) begin
        if (int'(desc_beat_idx_i[DIW-1:0]) * WPB + j < 5)
          pf_raw_q[CHW'(desc_ch_i)][int'(pf_beat_slot(int'(CHW'(desc_ch_i)))) * 5 +
                                    int'(desc_beat_idx_i[DIW-1:0]) * WPB + j] <= desc_beat_data_i[j*32 +: 32];
      end
    end
  end

  // ------------------------------------------------------------- outputs
  // Stop and kill from the cycle the abort or data error is seen (an AW or a
  // beat loaded in that cycle would otherwise still leave after it).
  assign stop_o = (st_q[S_DRAIN] & ~drain_keep_q) | ev_stop;
  assign kill_o = (st_q[S_DRAIN] & drain_kill_q) | ev_kill;

  // DMACCLR / DMACTC of the channels in S_DCLR (none most of the time: no
  // loop then).
  always_comb begin
    dclr_o = '0;
    dtc_o  = '0;
    if (st_q[S_DCLR] != '0)
      for (int c = 0; c < NUM_CH; c++)
        if (st_q[S_DCLR][c]) begin
          dclr_o[req_idx(dsc_of(c))] = 1'b1;
          dtc_o[req_idx(dsc_of(c))] |= dtc_pulse_q[c];   // channels may share a request line
        end
  end

  assign state_o     = vis_q;
  assign aborted_o   = aborted_q;
  assign wait_req_o  = st_q[S_WAIT_REQ];
  assign busy_err_o  = busy_err_q;
  assign err_code_o  = err_code_q;
  assign err_resp_o  = err_resp_q;
  assign err_addr_o  = err_addr_q;
  assign cur_desc_o  = cur_desc_q;
  assign remaining_o = remaining_q;
  assign irq_raw_o   = irq_raw_q;
  assign tc_count_o  = tc_count_q;

  // Quiet = clocking with unchanged inputs changes nothing in any channel:
  // each is IDLE or ERROR, PAUSED with PAUSE set, or in S_WAIT_REQ with its
  // request lines low; no register pulse.
  logic [NUM_CH-1:0] dreq_low;   // channels in S_WAIT_REQ whose request lines are low
  always_comb begin
    dreq_low = '0;
    if (st_q[S_WAIT_REQ] != '0)
      for (int c = 0; c < NUM_CH; c++)
        if (st_q[S_WAIT_REQ][c]) dreq_low[c] = !dreq_any(dsc_of(c));
  end
  assign quiet_o = (doorbell_i | abort_i) == '0 &&
                   (st_q[S_IDLE] | st_q[S_ERROR] | (st_q[S_PAUSED] & pause_i) |
                    (st_q[S_WAIT_REQ] & ~pause_i & dreq_low)) == '1;

  // ---------------------------------------------------------- invariants
  // Checked for the channels whose state machine runs: every event they are
  // about wakes it, and the registers they read change in no other cycle
  // (the handshake step changes only state_q and req_left_q).
  always_ff @(posedge clk) begin
    if (rst_n) begin
      assert ((grant_i & ~req_valid_o) == '0) else $error("dmac_channel: grant without request");
      for (int c = 0; c < NUM_CH; c++) begin
        if (wake[c]) begin
          if (ev[c].b_data && ctx_q[c].ret_valid)
            assert (24'(bresp_len_i) <= ctx_q[c].ret_out && ctx_q[c].ret_out <= ctx_q[c].ret_rem)
              else $error("dmac_channel: residue underflow");
          if (ev[c].b_written && !ctx_q[c].ret_valid)
            assert (24'(bresp_len_i) <= ctx_q[c].rem_done) else $error("dmac_channel: residue underflow");
          assert (!(ev[c].tc_drain && ev[c].tc_retire)) else $error("dmac_channel: two completions in one cycle");
          assert (!(ev[c].tc_abort && (ev[c].tc_drain || ev[c].tc_handoff || ev[c].tc_retire)))
            else $error("dmac_channel: two completions in one cycle");
          if (grant_i[c] && ctx_q[c].state == S_XFER && !g_pf_req)
            assert (grant_len_i != '0 && 24'(grant_len_i) <= avail(c, dsc_of(c))) else $error("dmac_channel: bad chunk");
          // Prefetch ring and retire queue bookkeeping.
          assert (32'(ctx_q[c].pf_cnt) + 32'(ctx_q[c].pf_fly) <= 32'(PF_N)) else $error("dmac_channel: prefetch ring overflow");
          if (ev[c].db_start)
            assert (ctx_q[c].pf_fly == '0 && !busy_i[c]) else $error("dmac_channel: doorbell with a descriptor read in flight");
          if (desc_oh[c] && ctx_q[c].pf_fly != '0)
            assert (ctx_q[c].state != S_FETCH_WAIT) else $error("dmac_channel: prefetch beat during a fetch");
          assert (int'(ctx_q[c].rq_cnt) <= RQ_N) else $error("dmac_channel: retire queue overflow");
          if (ctx_q[c].rq_cnt != '0)
            assert (ctx_q[c].ret_valid) else $error("dmac_channel: retire queue without an oldest entry");
        end
      end
    end
  end

  // ------------------------------------------------------- cover points
  // User coverage (Verilator --coverage-user; reported by scripts/coverage.sh).
  // Only the coverage build defines DMAC_COVER: the bookkeeping registers
  // below would otherwise run every cycle in every model (they are traced, so
  // never optimised away), and synthesis never sees them. One block per
  // channel (g_cov[c]); the channels share one counter per point (Verilator
  // merges the blocks of a generate loop).
`ifdef DMAC_COVER
  function automatic logic dreq_s(input dsc_t d);
    return dreq_single_i[req_idx(d)];
  endfunction
  for (genvar c = 0; c < NUM_CH; c++) begin : g_cov
    dsc_t d;       // channel c's descriptor fields
    assign d = dsc_of(c);
    // Its request lines as wires: a cover property samples them at the edge
    // (a function call on the input inside the property reads a value one
    // evaluation old and misses a request seen for one edge only).
    logic rq_b, rq_s;
    assign rq_b = dreq_b(d);
    assign rq_s = dreq_s(d);
    state_e      cov_prev_q;     // state in the previous cycle (transitions)
    logic        cov_err_q;      // err_event in the previous cycle (ERR_CODE is valid now)
    logic [31:0] cov_head_q;     // chain head of this run
    logic        cov_wrapped_q;  // the chain came back to its head (cyclic ring)
    logic        cov_wrap;       // this cycle: the chain moved on to its head again
    assign cov_wrap = cov_prev_q == S_DESC_DRAIN && (ctx_q[c].state == S_FETCH || ctx_q[c].state == S_PF_WAIT) &&
                      ctx_q[c].desc_addr == cov_head_q;
    always_ff @(posedge clk) begin
      if (!rst_n) begin
        cov_prev_q    <= S_IDLE;
        cov_err_q     <= 1'b0;
        cov_head_q    <= '0;
        cov_wrapped_q <= 1'b0;
      end else begin
        cov_prev_q <= ctx_q[c].state;
        cov_err_q  <= ev[c].err_evt;
        if (ev[c].db_start) begin
          cov_head_q    <= doorbell_addr_i;
          cov_wrapped_q <= 1'b0;
        end else if (cov_wrap) begin
          cov_wrapped_q <= 1'b1;
        end
      end
    end
    logic cov_tr;   // state changed this cycle (compare cov_prev_q / ctx_q[c].state)
    assign cov_tr = rst_n && cov_prev_q != ctx_q[c].state;

    // Every state.
    cov_st_idle:       cover property (@(posedge clk) rst_n && ctx_q[c].state == S_IDLE);
    cov_st_fetch:      cover property (@(posedge clk) rst_n && ctx_q[c].state == S_FETCH);
    cov_st_fetch_wait: cover property (@(posedge clk) rst_n && ctx_q[c].state == S_FETCH_WAIT);
    cov_st_decode:     cover property (@(posedge clk) rst_n && ctx_q[c].state == S_DECODE);
    cov_st_xfer:       cover property (@(posedge clk) rst_n && ctx_q[c].state == S_XFER);
    cov_st_wait_req:   cover property (@(posedge clk) rst_n && ctx_q[c].state == S_WAIT_REQ);
    cov_st_req_drain:  cover property (@(posedge clk) rst_n && ctx_q[c].state == S_REQ_DRAIN);
    cov_st_dclr:       cover property (@(posedge clk) rst_n && ctx_q[c].state == S_DCLR);
    cov_st_desc_drain: cover property (@(posedge clk) rst_n && ctx_q[c].state == S_DESC_DRAIN);
    cov_st_wb:         cover property (@(posedge clk) rst_n && ctx_q[c].state == S_WB);
    cov_st_pausing:    cover property (@(posedge clk) rst_n && ctx_q[c].state == S_PAUSING);
    cov_st_paused:     cover property (@(posedge clk) rst_n && ctx_q[c].state == S_PAUSED);
    cov_st_pf_wait:    cover property (@(posedge clk) rst_n && ctx_q[c].state == S_PF_WAIT);
    cov_st_drain:      cover property (@(posedge clk) rst_n && ctx_q[c].state == S_DRAIN);
    cov_st_error:      cover property (@(posedge clk) rst_n && ctx_q[c].state == S_ERROR);

    // Key transitions.
    cov_tr_idle_fetch:        cover property (@(posedge clk) cov_tr && cov_prev_q == S_IDLE && ctx_q[c].state == S_FETCH);
    cov_tr_idle_error:        cover property (@(posedge clk) cov_tr && cov_prev_q == S_IDLE && ctx_q[c].state == S_ERROR);
    cov_tr_error_fetch:       cover property (@(posedge clk) cov_tr && cov_prev_q == S_ERROR && ctx_q[c].state == S_FETCH);
    cov_tr_error_idle:        cover property (@(posedge clk) cov_tr && cov_prev_q == S_ERROR && ctx_q[c].state == S_IDLE);
    cov_tr_decode_xfer:       cover property (@(posedge clk) cov_tr && cov_prev_q == S_DECODE && ctx_q[c].state == S_XFER);
    cov_tr_decode_wait_req:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_DECODE && ctx_q[c].state == S_WAIT_REQ);
    cov_tr_decode_drain:      cover property (@(posedge clk) cov_tr && cov_prev_q == S_DECODE && ctx_q[c].state == S_DRAIN);
    cov_tr_xfer_desc_drain:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_XFER && ctx_q[c].state == S_DESC_DRAIN);
    cov_tr_xfer_req_drain:    cover property (@(posedge clk) cov_tr && cov_prev_q == S_XFER && ctx_q[c].state == S_REQ_DRAIN);
    cov_tr_xfer_pausing:      cover property (@(posedge clk) cov_tr && cov_prev_q == S_XFER && ctx_q[c].state == S_PAUSING);
    cov_tr_wait_req_pausing:  cover property (@(posedge clk) cov_tr && cov_prev_q == S_WAIT_REQ && ctx_q[c].state == S_PAUSING);
    cov_tr_pausing_paused:    cover property (@(posedge clk) cov_tr && cov_prev_q == S_PAUSING && ctx_q[c].state == S_PAUSED);
    cov_tr_paused_xfer:       cover property (@(posedge clk) cov_tr && cov_prev_q == S_PAUSED && ctx_q[c].state == S_XFER);
    cov_tr_paused_wait_req:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_PAUSED && ctx_q[c].state == S_WAIT_REQ);
    cov_tr_req_drain_dclr:    cover property (@(posedge clk) cov_tr && cov_prev_q == S_REQ_DRAIN && ctx_q[c].state == S_DCLR);
    cov_tr_dclr_wait_req:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_DCLR && ctx_q[c].state == S_WAIT_REQ);
    cov_tr_dclr_desc_drain:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_DCLR && ctx_q[c].state == S_DESC_DRAIN);
    cov_tr_desc_drain_fetch:  cover property (@(posedge clk) cov_tr && cov_prev_q == S_DESC_DRAIN && ctx_q[c].state == S_FETCH);
    cov_tr_desc_drain_pf:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_DESC_DRAIN && ctx_q[c].state == S_PF_WAIT);
    cov_tr_desc_drain_wb:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_DESC_DRAIN && ctx_q[c].state == S_WB);
    cov_tr_desc_drain_idle:   cover property (@(posedge clk) cov_tr && cov_prev_q == S_DESC_DRAIN && ctx_q[c].state == S_IDLE);
    cov_tr_wb_desc_drain:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_WB && ctx_q[c].state == S_DESC_DRAIN);
    cov_tr_pf_wait_decode:    cover property (@(posedge clk) cov_tr && cov_prev_q == S_PF_WAIT && ctx_q[c].state == S_DECODE);
    cov_tr_pf_wait_drain:     cover property (@(posedge clk) cov_tr && cov_prev_q == S_PF_WAIT && ctx_q[c].state == S_DRAIN);
    cov_tr_drain_error:       cover property (@(posedge clk) cov_tr && cov_prev_q == S_DRAIN && ctx_q[c].state == S_ERROR);
    cov_tr_drain_idle:        cover property (@(posedge clk) cov_tr && cov_prev_q == S_DRAIN && ctx_q[c].state == S_IDLE);
    // Descriptor hand-over (read-ahead) and the ways a descriptor completes.
    cov_handoff:              cover property (@(posedge clk) rst_n && ev[c].handoff);
    cov_prefetch_granted:     cover property (@(posedge clk) rst_n && grant_i[c] && g_pf_req);
    cov_prefetch_burst:       cover property (@(posedge clk) rst_n && grant_i[c] && g_pf_req && g_pf_n == (PIW+1)'(PF_G));
    cov_prefetch_extend:      cover property (@(posedge clk) rst_n && grant_i[c] && g_pf_req && !g_pf_first);
    // A burst that takes the ring beyond PF_NL descriptors (a short descriptor's depth).
    cov_prefetch_deep:        cover property (@(posedge clk) rst_n && grant_i[c] && g_pf_req &&
                                             32'(ctx_q[c].pf_cnt) + 32'(ctx_q[c].pf_fly) + 32'(g_pf_n) > 32'(PF_NL));
    cov_prefetch_4k_cut:      cover property (@(posedge clk) rst_n && grant_i[c] && g_pf_req && d.next == ctx_q[c].desc_addr + 32'd32 && g_pf_n < (PIW+1)'(PF_G));
    cov_prefetch_hit:         cover property (@(posedge clk) rst_n && ev[c].pf_take);
    cov_prefetch_drop:        cover property (@(posedge clk) rst_n && ev[c].pf_drop && ctx_q[c].pf_cnt != '0);
    cov_prefetch_stale_wait:  cover property (@(posedge clk) rst_n && ctx_q[c].state == S_PF_WAIT && ctx_q[c].pf_fly != '0 && ctx_q[c].pf_cnt != '0 &&
                                             ctx_q[c].pf_lo != ctx_q[c].desc_addr);
    cov_prefetch_err_held:    cover property (@(posedge clk) rst_n && desc_oh[c] && ctx_q[c].pf_fly != '0 && rerr_oh[c]);
    cov_prefetch_refetch:     cover property (@(posedge clk) rst_n && ev[c].pf_refetch);
    cov_retire_queued:        cover property (@(posedge clk) rst_n && ev[c].handoff && ctx_q[c].ret_valid && !(ev[c].ret_pop && ctx_q[c].rq_cnt == '0));
    cov_retire_queue_full:    cover property (@(posedge clk) rst_n && !abort_i[c] && !rerr_oh[c] && !berr_oh[c] &&
                                             ctx_q[c].state == S_DESC_DRAIN && busy_i[c] && !wb_en_i[c] &&
                                             d.next != '0 && !d.periph && ctx_q[c].ret_valid && !ev[c].ret_pop && ctx_q[c].rq_cnt == RQW'(RQ_N));
    cov_retire_err_shown:     cover property (@(posedge clk) rst_n && ctx_q[c].ret_err && ev[c].ret_pop && ctx_q[c].rq_cnt != '0);
    cov_tc_drain:             cover property (@(posedge clk) rst_n && ev[c].tc_drain);
    cov_tc_handoff:           cover property (@(posedge clk) rst_n && ev[c].tc_handoff);
    cov_tc_retire:            cover property (@(posedge clk) rst_n && ev[c].tc_retire);
    cov_tc_abort:             cover property (@(posedge clk) rst_n && ev[c].tc_abort);
    cov_retire_lost:          cover property (@(posedge clk) rst_n && ev[c].b_data && ctx_q[c].ret_valid && ev[c].b_lost);
    cov_dtc:                  cover property (@(posedge clk) rst_n && ctx_q[c].state == S_DCLR && dtc_pulse_q[c]);
    cov_dclr_held:            cover property (@(posedge clk) rst_n && ctx_q[c].state == S_DCLR && cov_prev_q == S_DCLR && dreq_any(d));
    cov_req_single:           cover property (@(posedge clk) rst_n && ctx_q[c].state == S_WAIT_REQ && !pause_i[c] && !rq_b && rq_s);
    cov_req_burst_capped:     cover property (@(posedge clk) rst_n && ctx_q[c].state == S_WAIT_REQ && !pause_i[c] && rq_b &&
                                             24'((32'(d.burst) + 32'd1) << d.width) > ctx_q[c].rem_issue);

    // Error kinds (the cycle after the ERR event: ERR_CODE / ERR_RESP are valid).
    cov_err_desc_read_slverr:  cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DESC_READ && err_resp_q[c] == 2'b10);
    cov_err_desc_read_decerr:  cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DESC_READ && err_resp_q[c] == 2'b11);
    cov_err_data_read_slverr:  cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DATA_READ && err_resp_q[c] == 2'b10);
    cov_err_data_read_decerr:  cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DATA_READ && err_resp_q[c] == 2'b11);
    cov_err_data_write_slverr: cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DATA_WRITE && err_resp_q[c] == 2'b10);
    cov_err_data_write_decerr: cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DATA_WRITE && err_resp_q[c] == 2'b11);
    cov_err_desc_len:          cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DESC_LEN);
    cov_err_desc_rsvd:         cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DESC_RSVD);
    cov_err_desc_align_next:   cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DESC_ALIGN && cov_prev_q == S_DRAIN);
    cov_err_desc_align_head:   cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DESC_ALIGN && cov_prev_q != S_DRAIN);
    cov_err_desc_req:          cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DESC_REQ);
    cov_err_desc_fixed:        cover property (@(posedge clk) rst_n && cov_err_q && err_code_q[c] == DMAC_ERR_DESC_FIXED);
    // Error while the previous descriptor still retires (its writes kept: descriptor
    // error; killed: data error), a second error during the drain (first wins), an
    // error during an abort drain (ends in ERROR).
    cov_err_keep_retiring:     cover property (@(posedge clk) rst_n && ctx_q[c].state == S_DRAIN && drain_keep_q[c] && ctx_q[c].ret_valid && ev[c].b_data);
    cov_err_kill_retiring:     cover property (@(posedge clk) rst_n && ev[c].bus_err && ev[c].err_code != DMAC_ERR_DESC_READ && ctx_q[c].ret_valid &&
                                              ctx_q[c].state != S_DRAIN);
    cov_err_second_in_drain:   cover property (@(posedge clk) rst_n && ev[c].bus_err && ctx_q[c].state == S_DRAIN && ctx_q[c].drain_err);
    cov_err_in_abort_drain:    cover property (@(posedge clk) rst_n && ev[c].bus_err && ctx_q[c].state == S_DRAIN && !ctx_q[c].drain_err);

    // Abort / pause timing (what the channel is doing when the request arrives).
    cov_abort_idle:            cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_IDLE);
    cov_abort_error:           cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_ERROR && !doorbell_i[c]);
    cov_abort_fetch:           cover property (@(posedge clk) rst_n && abort_i[c] && (ctx_q[c].state == S_FETCH || ctx_q[c].state == S_FETCH_WAIT));
    cov_abort_pf_wait:         cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_PF_WAIT);
    cov_abort_decode:          cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_DECODE);
    cov_abort_xfer:            cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_XFER);
    cov_abort_wait_req:        cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_WAIT_REQ);
    cov_abort_req_drain:       cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_REQ_DRAIN);
    cov_abort_dclr:            cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_DCLR);
    cov_abort_last_beat:       cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_DESC_DRAIN);
    cov_abort_wb:              cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_WB);
    cov_abort_pausing:         cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_PAUSING);
    cov_abort_paused:          cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].state == S_PAUSED);
    cov_abort_retiring:        cover property (@(posedge clk) rst_n && abort_i[c] && ctx_q[c].ret_valid && ctx_q[c].state != S_DRAIN);
    cov_abort_pend_tc_lost:    cover property (@(posedge clk) rst_n && ev[c].fsm_step && ctx_q[c].state == S_DRAIN && !ctx_q[c].drain_err && !busy_i[c] &&
                                              ctx_q[c].cur_pend_tc && !ev[c].tc_abort);
    cov_abort_cyclic_wrapped:  cover property (@(posedge clk) rst_n && abort_i[c] && cov_wrapped_q && d.periph && ctx_q[c].state != S_DRAIN);
    cov_abort_cyclic_at_head:  cover property (@(posedge clk) rst_n && abort_i[c] && cov_wrapped_q && ctx_q[c].desc_addr == cov_head_q &&
                                              (ctx_q[c].state == S_FETCH || ctx_q[c].state == S_FETCH_WAIT || ctx_q[c].state == S_PF_WAIT ||
                                               ctx_q[c].state == S_DECODE));
    cov_cyclic_wrap:           cover property (@(posedge clk) rst_n && cov_wrap);
    cov_pause_fetch:           cover property (@(posedge clk) rst_n && pause_i[c] && (ctx_q[c].state == S_FETCH || ctx_q[c].state == S_FETCH_WAIT ||
                                              ctx_q[c].state == S_PF_WAIT));
    cov_pause_desc_drain:      cover property (@(posedge clk) rst_n && pause_i[c] && ctx_q[c].state == S_DESC_DRAIN);
    cov_pausing_busy:          cover property (@(posedge clk) rst_n && ctx_q[c].state == S_PAUSING && busy_i[c]);
    cov_resume_while_pausing:  cover property (@(posedge clk) rst_n && ctx_q[c].state == S_PAUSING && !pause_i[c]);

    // Register-side races.
    cov_doorbell_busy:         cover property (@(posedge clk) rst_n && doorbell_i[c] && !(ctx_q[c].state == S_IDLE || ctx_q[c].state == S_ERROR));
    cov_doorbell_from_error:   cover property (@(posedge clk) rst_n && doorbell_i[c] && ctx_q[c].state == S_ERROR);
    cov_tc_vs_w1c:             cover property (@(posedge clk) rst_n && tc_event(ev[c]) && irq_clr_i[c][0]);
    cov_tc_two_in_count:       cover property (@(posedge clk) rst_n && tc_event(ev[c]) && irq_raw_q[c][0]);

  end
`endif

endmodule
