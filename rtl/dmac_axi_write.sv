// AXI4 write engine.
//
// Walks the slot table in allocation order with two pointers:
//  * the AW pointer decides for each slot: descriptor reads and slots of
//    stopped (aborting / failed) channels are skipped, data and write-back
//    slots get an AW once their first beat can be built;
//  * the W pointer (= slot head) streams the beats of slots whose AW was
//    accepted, realigning source-ordered buffer bytes to destination lanes,
//    and retires each slot after its last beat (or, for a skipped slot, once
//    its read has finished, so no read response is ever abandoned).
// Write responses are tracked in a small table so a B can be credited to its
// channel (REMAINING, completion, errors) even when IDs interleave. The table
// also remembers whether any beat of a burst went out with its strobes cleared
// by a kill, so an OKAY response to such a burst is not mistaken for data that
// reached memory (the channel must not count that descriptor as complete).
// A stop (abort) only skips bursts not yet started: a burst whose AW went out
// finishes with its data, which arrives because reads are never abandoned.
// A kill (data bus error) also clears the strobes of the beats still to go,
// whose data may never arrive.
// Whole-beat realignment (both sides incrementing, see dmac_axi_read): the
// source beat holding the last byte of a channel's data chunk is kept per
// channel (carry_q) when that chunk's last W beat is loaded; a slot marked
// s_cin_i takes its first bytes from it instead of the buffer. Slots are
// written in allocation order, so the channel's previous chunk has always
// been loaded (or skipped, and then this one is skipped or killed too: a
// stop or kill lasts until the channel has no slot left) before.
module dmac_axi_write
  import dmac_axi_pkg::*;
#(
  parameter int NUM_CH    = 8,
  parameter int DATA_W    = 64,
  parameter int ADDR_W    = 32,
  parameter int MAX_BURST = 16,
  parameter int NUM_SLOTS = 12,
  parameter int SIW       = 4,
  parameter int NUM_BT    = 16,       // write bursts awaiting B
  parameter int BUF_AW    = 8         // buffer address width
) (
  input  logic                       clk,
  input  logic                       rst_n,
  // slot table (owned by the read engine): per-slot flags, kinds, channels
  // and widths packed, the wide fields at the two slots looked at
  input  logic [NUM_SLOTS-1:0]       s_valid_i,
  input  job_kind_e [NUM_SLOTS-1:0]  s_kind_i,
  input  logic [NUM_SLOTS-1:0][3:0]  s_ch_i,
  input  logic [NUM_SLOTS-1:0]       s_src_inc_i,
  input  logic [NUM_SLOTS-1:0]       s_dst_inc_i,
  input  logic [NUM_SLOTS-1:0][2:0]  s_width_i,
  input  logic [NUM_SLOTS-1:0]       s_rdone_i,
  input  logic [NUM_SLOTS-1:0]       s_cin_i,    // first bytes from the channel's carried beat
  output logic [SIW-1:0]             wa_slot_o,  // the AW pointer's slot
  input  logic [31:0]                wa_dst_i,
  input  logic [12:0]                wa_len_i,
  input  logic [12:0]                wa_rcv_i,
  output logic [SIW-1:0]             wh_slot_o,  // the head slot (W pointer)
  input  logic [31:0]                wh_src_i,
  input  logic [$clog2(DATA_W/8)-1:0] wh_dst_i,  // lane of its first byte
  input  logic [12:0]                wh_len_i,
  input  logic [12:0]                wh_rcv_i,
  input  logic                       alloc_valid_i,
  input  logic [SIW-1:0]             alloc_idx_i,
  output logic                       free_valid_o,
  input  logic [NUM_CH-1:0]          stop_i,     // skip this channel's bursts not yet started
  input  logic [NUM_CH-1:0]          kill_i,     // and clear the strobes of its remaining beats
  // buffer read ports
  output logic [BUF_AW-1:0]          buf_raddr0_o,
  input  logic [DATA_W-1:0]          buf_rdata0_i,
  output logic [BUF_AW-1:0]          buf_raddr1_o,
  input  logic [DATA_W-1:0]          buf_rdata1_i,
  // write responses for the channels
  output logic                       b_event_o,
  output logic [3:0]                 b_ch_o,
  output logic                       b_wb_o,
  output logic                       b_killed_o, // a beat of that burst was killed (WSTRB = 0)
  output logic [12:0]                b_len_o,
  output logic [1:0]                 b_resp_o,
  output logic [31:0]                b_addr_o,
  output logic [NUM_CH-1:0]          ch_busy_o,  // channel has a slot or an unanswered write
  output logic                       idle_o,
  // AXI4 AW / W / B
  output logic                       m_axi_awvalid,
  input  logic                       m_axi_awready,
  output logic [3:0]                 m_axi_awid,
  output logic [ADDR_W-1:0]          m_axi_awaddr,
  output logic [7:0]                 m_axi_awlen,
  output logic [2:0]                 m_axi_awsize,
  output logic [1:0]                 m_axi_awburst,
  output logic                       m_axi_wvalid,
  input  logic                       m_axi_wready,
  output logic [DATA_W-1:0]          m_axi_wdata,
  output logic [DATA_W/8-1:0]        m_axi_wstrb,
  output logic                       m_axi_wlast,
  output logic                       m_axi_bready,
  // B as registered at the top-level boundary (one cycle after the pins)
  input  logic                       bi_valid_i,
  input  logic [3:0]                 bi_id_i,
  input  logic [1:0]                 bi_resp_i,
  // The R and B pins themselves, looked at only at the clock edge (inside the
  // clocked block, never combinationally): a data error response arriving at
  // this edge clears the strobes of the beat loaded at the same edge, as if
  // the channel's kill were already active. With the read engine's head and
  // the slot whose last R beat is consumed at this edge, to find the slot an
  // R beat at the pins belongs to.
  input  logic                       pin_rvalid_i,
  input  logic [3:0]                 pin_rid_i,
  input  logic [1:0]                 pin_rresp_i,
  input  logic                       pin_bvalid_i,
  input  logic [3:0]                 pin_bid_i,
  input  logic [1:0]                 pin_bresp_i,
  input  logic [SIW-1:0]             rd_head_i,
  input  logic                       rd_fin_valid_i,
  input  logic [SIW-1:0]             rd_fin_slot_i
);
  localparam int W    = DATA_W / 8;
  localparam int WB   = $clog2(W);
  localparam int SB   = $clog2(MAX_BURST * W);   // byte index inside a slot
  localparam int MBW  = $clog2(MAX_BURST);
  localparam int BTW  = $clog2(NUM_BT);
  if (NUM_BT < 2 || (NUM_BT & (NUM_BT - 1)) != 0) $error("dmac_axi_write: NUM_BT must be a power of two");

  function automatic logic [SIW-1:0] next_slot(input logic [SIW-1:0] i);
    return (int'(i) == NUM_SLOTS - 1) ? '0 : i + SIW'(1);
  endfunction

  // Number of W beats of a slot.
  function automatic logic [8:0] write_beats(input job_kind_e kind, input logic [WB-1:0] doff,
                                             input logic [12:0] len, input logic inc,
                                             input logic [2:0] width);
    logic [13:0] span;
    if (kind == JOB_WB) return 9'd1;
    if (!inc) return 9'(len >> width);
    span = 14'(doff) + 14'(len) + 14'(W - 1);
    return 9'(span >> WB);
  endfunction

  // Can beat k of slot s be built from the bytes received so far?
  function automatic logic beat_ready(input job_kind_e kind, input logic [WB-1:0] doff,
                                      input logic [12:0] len, input logic inc,
                                      input logic [2:0] width, input logic [12:0] rcv,
                                      input logic [8:0] k);
    logic [13:0] last_needed;   // last stream byte this beat carries
    if (kind == JOB_WB) return 1'b1;
    if (inc) begin
      last_needed = 14'(32'(k) * W + W - 1) - 14'(doff);
      if (last_needed > 14'(len) - 14'd1) last_needed = 14'(len) - 14'd1;
    end else begin
      last_needed = 14'((32'(k) + 32'd1) << width) - 14'd1;
    end
    return 14'(rcv) > last_needed;
  endfunction

  // Channel-indexed vectors widened to the 4-bit ID space.
  logic [15:0] stop16, kill16;
  assign stop16 = 16'(stop_i);
  assign kill16 = 16'(kill_i);

  // Per-slot write-side flags.
  logic [NUM_SLOTS-1:0] aw_done_q, skip_q, aw_acc_q;
  // W beats of a slot and of its first burst, kept at its first AW (the W
  // stage looks them up on every beat instead of working them out again)
  logic [8:0]     wbeats_q [NUM_SLOTS];
  logic [8:0]     wb1_q [NUM_SLOTS];
  logic [SIW-1:0] aw_ptr_q, w_ptr_q, aw_slot_q;
  logic [8:0]     k_q;             // next W beat of the head slot

  // Write-response table (circular, allocated at AW, answered in any ID order).
  logic [NUM_BT-1:0]       bt_valid_q, bt_done_q, bt_wb_q, bt_kill_q;
  logic [3:0] bt_ch_q [NUM_BT];
  logic [12:0] bt_len_q [NUM_BT];
  logic [31:0] bt_addr_q [NUM_BT];
  logic [BTW-1:0]          bt_head_q, bt_tail_q;
  // Entry of the burst whose W beats are being loaded: W bursts go out in AW
  // order, which is the table's allocation order.
  logic [BTW-1:0]          bt_w_q;
  logic                    bt_full;
  assign bt_full = bt_valid_q[bt_tail_q];

  // ------------------------------------------------------------ AW stage
  logic [SIW-1:0] a;
  logic           a_pending, a_skip, a_issue;
  logic [8:0]     a_beats, a_b1;
  logic [31:0]    a_aligned;
  logic           a_second_q;     // first of two bursts issued, second pending
  logic           aw_last_q;      // the AW in the output register is the slot's last
  assign a         = aw_ptr_q;
  assign wa_slot_o   = aw_ptr_q;
  assign a_pending = s_valid_i[a] && !aw_done_q[a];
  assign a_skip    = a_pending && !a_second_q && (s_kind_i[a] == JOB_DESC || stop16[s_ch_i[a]]);
  // a_issue and h_load below do not include AWREADY / WREADY: the output
  // registers being free is looked at only at the clock edge, in the clocked
  // block (no combinational path from those inputs into the engine).
  // The burst shape is used only with a_issue: computed only while a slot
  // waits for its AW (one AW per burst, not every cycle).
  always_comb begin
    logic [WB-1:0] doff;
    doff      = '0;
    a_issue   = 1'b0;
    a_beats   = '0;
    a_b1      = '0;
    a_aligned = '0;
    if (a_pending && !a_skip && !bt_full) begin
      doff      = wa_dst_i[WB-1:0];
      a_issue   = a_second_q || beat_ready(s_kind_i[a], doff, wa_len_i, s_dst_inc_i[a], s_width_i[a], wa_rcv_i, 9'd0);
      a_beats   = write_beats(s_kind_i[a], doff, wa_len_i, s_dst_inc_i[a], s_width_i[a]);
      a_aligned = {wa_dst_i[31:WB], WB'(0)};
      a_b1      = (s_dst_inc_i[a] && s_kind_i[a] != JOB_WB) ? dmac_axi_pkg::first_burst(a_aligned[11:0], a_beats, WB) : a_beats;
    end
  end

  // ------------------------------------------------------------- W stage
  // The head slot's beat is worked out only when it may be loaded (its AW
  // accepted, not skipped): the realignment, strobes and buffer addresses are
  // used only with h_load.
  logic [SIW-1:0] h;
  logic [WB-1:0]  h_doff;
  logic [8:0]     h_beats, h_b1;
  logic           h_killed, h_load, h_last, h_skip_free;
  assign h       = w_ptr_q;
  assign wh_slot_o = w_ptr_q;
  always_comb begin
    h_doff   = '0;
    h_beats  = '0;
    h_b1     = '0;
    h_killed = 1'b0;
    h_load   = 1'b0;
    h_last   = 1'b0;
    if (s_valid_i[h] && aw_done_q[h] && !skip_q[h] && aw_acc_q[h]) begin
      h_doff   = wh_dst_i;
      h_beats  = wbeats_q[h];
      h_b1     = wb1_q[h];
      h_killed = kill16[s_ch_i[h]];
      // A killed slot still waits for its read to end before it is retired.
      h_load   = h_killed ? s_rdone_i[h] :
                 beat_ready(s_kind_i[h], h_doff, wh_len_i, s_dst_inc_i[h], s_width_i[h], wh_rcv_i, k_q);
      h_last   = (k_q + 9'd1) == h_beats;
    end
  end
  assign h_skip_free = s_valid_i[h] && aw_done_q[h] && skip_q[h] && s_rdone_i[h];
  assign free_valid_o  = h_skip_free || (h_load && h_last && (!m_axi_wvalid || m_axi_wready));

  // Realignment: output lane j carries slot byte (p + j), modulo the slot
  // (a position before the slot's start reads its last beat, whose lanes
  // are then not strobed). A carried first beat sits one beat before the
  // slot's start: it replaces that beat for the chunk's first W beat (the
  // chunk starts on a destination beat, so only that beat reaches back to it).
  localparam int CW = (NUM_CH > 1) ? $clog2(NUM_CH) : 1;
  logic [DATA_W-1:0] carry_q [NUM_CH];   // no reset: read only for a slot marked s_cin_i
  logic [SB-1:0]  h_pos;
  logic [MBW:0]   h_beat0;
  logic           h_use_cy;      // the first beat's low bytes come from carry_q
  logic [MBW:0]   h_cy_beat;     // slot beat holding the chunk's last byte
  always_comb begin
    logic [WB-1:0] ro;
    logic [MBW:0]  beat1;
    logic [SB-1:0] cy_pos;
    ro         = '0;
    beat1      = '0;
    cy_pos     = '0;
    h_pos      = '0;
    h_beat0    = '0;
    h_use_cy   = 1'b0;
    h_cy_beat  = '0;
    buf_raddr0_o = '0;
    buf_raddr1_o = '0;
    if (h_load) begin
      ro = s_src_inc_i[h] ? wh_src_i[WB-1:0] : '0;
      if (s_dst_inc_i[h]) h_pos = SB'(ro) + SB'(32'(k_q) * W) - SB'(h_doff);
      else              h_pos = SB'(ro) + SB'(32'(k_q) << s_width_i[h]) - SB'(h_doff);
      if (s_cin_i[h]) h_pos = h_pos - SB'(W);
      // the last byte's beat: looked up only for the slot's last W beat
      if (h_last) begin
        cy_pos    = SB'(ro) + SB'(wh_len_i) - SB'(1) - (s_cin_i[h] ? SB'(W) : SB'(0));
        h_cy_beat = (MBW + 1)'(cy_pos >> WB);
      end
      h_use_cy   = s_cin_i[h] && k_q == '0;
      h_beat0    = (MBW + 1)'(h_pos >> WB);
      beat1      = (MBW + 1)'((32'(h_beat0) + 32'd1) % MAX_BURST);
      buf_raddr0_o = BUF_AW'(32'(h) * MAX_BURST + 32'(h_beat0));
      buf_raddr1_o = BUF_AW'(32'(h) * MAX_BURST + 32'(beat1));
    end
  end

  logic [DATA_W-1:0] h_rdata0;   // the lower of the two beats: from the buffer or the carry
  assign h_rdata0 = h_use_cy ? carry_q[CW'(s_ch_i[h])] : buf_rdata0_i;

  logic [DATA_W-1:0]   h_data;
  logic [W-1:0]        h_strb;
  always_comb begin
    int e;   // incrementing destination: first lane past the slot's last byte in this beat
    h_data = '0;
    h_strb = '0;
    e = 0;
    if (h_load) begin
      // The low bytes of beat1:beat0 from lane h_pos mod W, as two
      // beat-wide shifts (a shift by DATA_W gives 0: no lane offset, beat0).
      h_data = (h_rdata0 >> (32'(h_pos[WB-1:0]) * 8)) | (buf_rdata1_i << ((W - 32'(h_pos[WB-1:0])) * 8));
      // Lanes j with stream byte k * W + j - doff inside [0, len) (incrementing
      // destination), or the 1 << WIDTH lanes from doff (fixed): masks, not a
      // per-lane loop.
      if (s_dst_inc_i[h]) begin
        e = int'(h_doff) + int'(wh_len_i) - int'(k_q) * W;
        e = (e > W) ? W : (e < 0) ? 0 : e;   // a clamp, not a branch (coverage counts no ternaries)
        h_strb = W'(((32'd1 << e) - 32'd1) & ~((32'd1 << ((k_q == '0) ? 32'(h_doff) : 32'd0)) - 32'd1));
      end else begin
        h_strb = W'(((32'd1 << (32'd1 << s_width_i[h])) - 32'd1) << h_doff);
      end
      if (s_kind_i[h] == JOB_WB) begin
        h_data = {(DATA_W / 32){wh_src_i}};
        h_strb = W'(4'hF) << h_doff;
      end
      if (h_killed) h_strb = '0;   // data error: nothing more reaches memory
    end
  end

  // ------------------------------------------------------------- B stage
  assign m_axi_bready = 1'b1;
  logic           b_hit;
  logic [BTW-1:0] b_idx;
  // The table is searched only in a cycle with a response (one in 16 or
  // fewer): everything below is qualified by bi_valid_i, and a simulator then
  // skips the search in the other cycles.
  always_comb begin
    logic [BTW-1:0] idx;
    b_hit = 1'b0;
    b_idx = '0;
    idx   = '0;
    if (bi_valid_i) begin
      for (int i = 0; i < NUM_BT; i++) begin
        idx = bt_head_q + BTW'(i);   // NUM_BT is a power of two: wraps
        // The first match wins (expressions: Verilator's coverage does not
        // count an if inside this loop).
        b_idx = (!b_hit && bt_valid_q[idx] && !bt_done_q[idx] && bt_ch_q[idx] == bi_id_i) ? idx : b_idx;
        b_hit = b_hit || (bt_valid_q[idx] && !bt_done_q[idx] && bt_ch_q[idx] == bi_id_i);
      end
    end
  end
  assign b_event_o = bi_valid_i && b_hit;
  assign b_ch_o    = bt_ch_q[b_idx];
  assign b_wb_o    = bt_wb_q[b_idx];
  assign b_killed_o = bt_kill_q[b_idx];
  assign b_len_o   = bt_len_q[b_idx];
  assign b_resp_o  = bi_resp_i;
  assign b_addr_o  = bt_addr_q[b_idx];

  // --------------------------------------------------------------- state
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_done_q <= '0;
      skip_q    <= '0;
      aw_acc_q  <= '0;
      aw_ptr_q  <= '0;
      w_ptr_q   <= '0;
      aw_slot_q <= '0;
      aw_last_q <= 1'b0;
      wbeats_q  <= '{default: '0};
      wb1_q     <= '{default: '0};
      a_second_q <= 1'b0;
      k_q       <= '0;
      m_axi_awvalid <= 1'b0;
      m_axi_awid    <= '0;
      m_axi_awaddr  <= '0;
      m_axi_awlen   <= '0;
      m_axi_awsize  <= '0;
      m_axi_awburst <= '0;
      m_axi_wvalid  <= 1'b0;
      m_axi_wdata   <= '0;
      m_axi_wstrb   <= '0;
      m_axi_wlast   <= 1'b0;
      bt_valid_q <= '0;
      bt_done_q  <= '0;
      bt_wb_q    <= '0;
      bt_kill_q  <= '0;
      bt_ch_q    <= '{default: '0};
      bt_len_q   <= '{default: '0};
      bt_addr_q  <= '{default: '0};
      bt_head_q  <= '0;
      bt_tail_q  <= '0;
      bt_w_q     <= '0;
      alloc_q     <= 1'b0;
      alloc_idx_q <= '0;
      n_slot_q    <= '{default: '0};
      n_bt_q      <= '{default: '0};
      slot_nz_q   <= '0;
      bt_nz_q     <= '0;
    end else begin
      // Channels whose data error response is at the pins at this edge.
      logic [15:0] pin_kill;
      logic        aw_free, w_free, found, bt_add;
      bt_add   = 1'b0;
      aw_free  = !m_axi_awvalid || m_axi_awready;
      w_free   = !m_axi_wvalid || m_axi_wready;
      pin_kill = '0;
      if (pin_bvalid_i && pin_bresp_i != 2'b00) pin_kill[pin_bid_i] = 1'b1;
      if (pin_rvalid_i && pin_rresp_i != 2'b00) begin
        found = 1'b0;
        for (int i = 0; i < NUM_SLOTS; i++) begin
          logic [SIW-1:0] idx;
          idx = SIW'((int'(rd_head_i) + i) % NUM_SLOTS);
          if (!found && s_valid_i[idx] && !s_rdone_i[idx] && s_kind_i[idx] != JOB_WB && s_ch_i[idx] == pin_rid_i &&
              !(rd_fin_valid_i && rd_fin_slot_i == idx)) begin
            found = 1'b1;
            if (s_kind_i[idx] == JOB_DATA) pin_kill[pin_rid_i] = 1'b1;
          end
        end
      end

      if (alloc_valid_i) begin
        aw_done_q[alloc_idx_i] <= 1'b0;
        skip_q[alloc_idx_i]    <= 1'b0;
        aw_acc_q[alloc_idx_i]  <= 1'b0;
      end

      // AW
      if (m_axi_awvalid && m_axi_awready) begin
        m_axi_awvalid <= 1'b0;
        if (aw_last_q) aw_acc_q[aw_slot_q] <= 1'b1;   // W waits for the slot's last AW
      end
      if (a_skip || (a_pending && !a_second_q && pin_kill[s_ch_i[a]])) begin
        aw_done_q[a] <= 1'b1;
        skip_q[a]    <= 1'b1;
        aw_ptr_q     <= next_slot(a);
      end else if (a_issue && aw_free) begin
        // Second burst of a split slot, or first (maybe only) burst.
        logic last;
        last = a_second_q || (a_b1 == a_beats);
        if (last) begin
          aw_done_q[a] <= 1'b1;
          aw_ptr_q     <= next_slot(a);
        end
        a_second_q    <= !last;
        if (!a_second_q) begin
          wbeats_q[a] <= a_beats;
          wb1_q[a]    <= a_b1;
        end
        aw_slot_q     <= a;
        aw_last_q     <= last;
        m_axi_awvalid <= 1'b1;
        m_axi_awid    <= s_ch_i[a];
        if (a_second_q) begin
          m_axi_awaddr  <= ADDR_W'(a_aligned + 32'(a_b1) * W);
          m_axi_awlen   <= 8'(a_beats - a_b1 - 9'd1);
          m_axi_awsize  <= 3'(WB);
          m_axi_awburst <= 2'b01;
        end else if (s_dst_inc_i[a] || s_kind_i[a] == JOB_WB) begin
          m_axi_awaddr  <= ADDR_W'(a_aligned);
          m_axi_awlen   <= 8'(a_b1 - 9'd1);
          m_axi_awsize  <= 3'(WB);
          m_axi_awburst <= 2'b01;
        end else begin
          m_axi_awaddr  <= ADDR_W'(wa_dst_i);
          m_axi_awlen   <= 8'(a_beats - 9'd1);
          m_axi_awsize  <= s_width_i[a];
          m_axi_awburst <= 2'b00;
        end
        // The slot's bytes are credited with its last write response.
        bt_valid_q[bt_tail_q] <= 1'b1;
        bt_done_q[bt_tail_q]  <= 1'b0;
        bt_wb_q[bt_tail_q]    <= (s_kind_i[a] == JOB_WB);
        bt_kill_q[bt_tail_q]  <= 1'b0;
        bt_ch_q[bt_tail_q]    <= s_ch_i[a];
        bt_len_q[bt_tail_q]   <= last ? wa_len_i : 13'd0;
        bt_addr_q[bt_tail_q]  <= wa_dst_i;
        bt_tail_q             <= bt_tail_q + BTW'(1);
        bt_add                = 1'b1;
      end

      // W
      if (m_axi_wvalid && m_axi_wready) m_axi_wvalid <= 1'b0;
      if (h_load && w_free) begin
        m_axi_wvalid <= 1'b1;
        m_axi_wdata  <= h_data;
        m_axi_wstrb  <= pin_kill[s_ch_i[h]] ? '0 : h_strb;
        m_axi_wlast  <= h_last || (k_q + 9'd1) == h_b1;
        k_q          <= h_last ? 9'd0 : k_q + 9'd1;
        if (h_killed || pin_kill[s_ch_i[h]]) bt_kill_q[bt_w_q] <= 1'b1;
        if (h_last || (k_q + 9'd1) == h_b1) bt_w_q <= bt_w_q + BTW'(1);
        // The source beat of the chunk's last byte: the carry of the
        // channel's next chunk, if that one starts inside this beat.
        if (h_last && s_kind_i[h] == JOB_DATA && s_src_inc_i[h] && s_dst_inc_i[h])
          carry_q[CW'(s_ch_i[h])] <= (h_cy_beat == h_beat0) ? h_rdata0 : buf_rdata1_i;
      end
      if (free_valid_o) w_ptr_q <= next_slot(h);

      // B
      if (b_event_o) bt_done_q[b_idx] <= 1'b1;
      if (bt_valid_q[bt_head_q] && bt_done_q[bt_head_q]) begin
        bt_valid_q[bt_head_q] <= 1'b0;
        bt_head_q             <= bt_head_q + BTW'(1);
      end

      // ch_busy_o counts (an increment and a decrement of one channel cancel)
      alloc_q     <= alloc_valid_i;
      alloc_idx_q <= alloc_idx_i;
      // and their non-zero flags (a decrement from 1 clears its flag)
      if (!(alloc_q && free_valid_o && s_ch_i[alloc_idx_q] == s_ch_i[h])) begin
        if (alloc_q) begin
          n_slot_q[CW'(s_ch_i[alloc_idx_q])]  <= n_slot_q[CW'(s_ch_i[alloc_idx_q])] + 1'b1;
          slot_nz_q[CW'(s_ch_i[alloc_idx_q])] <= 1'b1;
        end
        if (free_valid_o) begin
          n_slot_q[CW'(s_ch_i[h])]  <= n_slot_q[CW'(s_ch_i[h])] - 1'b1;
          slot_nz_q[CW'(s_ch_i[h])] <= n_slot_q[CW'(s_ch_i[h])] != 1;
        end
      end
      if (!(bt_add && b_event_o && s_ch_i[a] == b_ch_o)) begin
        if (bt_add) begin
          n_bt_q[CW'(s_ch_i[a])]  <= n_bt_q[CW'(s_ch_i[a])] + 1'b1;
          bt_nz_q[CW'(s_ch_i[a])] <= 1'b1;
        end
        if (b_event_o) begin
          n_bt_q[CW'(b_ch_o)]  <= n_bt_q[CW'(b_ch_o)] - 1'b1;
          bt_nz_q[CW'(b_ch_o)] <= n_bt_q[CW'(b_ch_o)] != 1;
        end
      end
    end
  end

  // ch_busy_o: a channel has a slot in the table or a write awaiting its B.
  // Counted per channel at the events that change it instead of searching
  // both tables every cycle: a slot is counted from the cycle after its grant
  // (alloc_q: its channel is in the table then; until the count includes it,
  // alloc_q marks it busy), uncounted at free_valid_o (never the cycle after its
  // grant: its AW is not done yet); a write is counted at its AW, uncounted at
  // its B. Each count has a flag, "not zero", set and cleared with it, so
  // ch_busy_o is two vector ORs, not a loop over the channels every cycle.
  logic [$clog2(NUM_SLOTS + 1)-1:0] n_slot_q [NUM_CH];
  logic [$clog2(NUM_BT + 1)-1:0]    n_bt_q [NUM_CH];
  logic [NUM_CH-1:0]                slot_nz_q, bt_nz_q;
  logic                             alloc_q;
  logic [SIW-1:0]                   alloc_idx_q;
  always_comb begin
    ch_busy_o = slot_nz_q | bt_nz_q;
    if (alloc_q) ch_busy_o[CW'(s_ch_i[alloc_idx_q])] = 1'b1;
  end

  assign idle_o = !m_axi_awvalid && !m_axi_wvalid && (bt_valid_q == '0);

  // ---------------------------------------------------------- invariants
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (bi_valid_i) assert (b_hit) else $error("dmac_axi_write: B with no write outstanding for its ID");
      if (m_axi_awvalid && m_axi_awburst == 2'b01)
        assert ((32'(m_axi_awaddr[11:0]) + (32'(m_axi_awlen) + 32'd1) * W) <= 32'd4096)
          else $error("dmac_axi_write: burst crosses 4 KiB");
      if (m_axi_awvalid) assert (int'(m_axi_awlen) < MAX_BURST) else $error("dmac_axi_write: burst longer than MAX_BURST");
      if (h_load) assert (k_q < h_beats) else $error("dmac_axi_write: more W beats than AWLEN+1");
      if (h_load) assert (bt_valid_q[bt_w_q] && !bt_done_q[bt_w_q] && bt_ch_q[bt_w_q] == s_ch_i[h])
        else $error("dmac_axi_write: W beat without its write-response entry");
      if (a_issue) assert (a_beats != '0 && int'(a_beats) <= MAX_BURST) else $error("dmac_axi_write: bad beat count");
      if (free_valid_o) assert (s_rdone_i[h]) else $error("dmac_axi_write: retiring a slot still reading");
      if (free_valid_o) assert (n_slot_q[CW'(s_ch_i[h])] != '0 && slot_nz_q[CW'(s_ch_i[h])])
        else $error("dmac_axi_write: slot count underflow");
      if (b_event_o) assert (n_bt_q[CW'(b_ch_o)] != '0 && bt_nz_q[CW'(b_ch_o)])
        else $error("dmac_axi_write: write count underflow");
    end
  end

  // ------------------------------------------------------- cover points
  // User coverage (coverage build only, see dmac_channel).
`ifdef DMAC_COVER
  logic cov_aw_go, cov_w_go;   // an AW / a W beat is loaded at this edge
  assign cov_aw_go = a_issue && (!m_axi_awvalid || m_axi_awready);
  assign cov_w_go  = h_load && (!m_axi_wvalid || m_axi_wready);
  cov_wr_split:        cover property (@(posedge clk) rst_n && cov_aw_go && a_second_q);
  cov_wr_fixed:        cover property (@(posedge clk) rst_n && cov_aw_go && !s_dst_inc_i[a] && s_kind_i[a] != JOB_WB);
  cov_wr_skip_killed:  cover property (@(posedge clk) rst_n && a_skip && s_kind_i[a] != JOB_DESC);
  cov_wr_killed_beat:  cover property (@(posedge clk) rst_n && cov_w_go && h_killed);
  cov_wr_bt_full:      cover property (@(posedge clk) rst_n && a_pending && !a_skip && bt_full);
  // A response overtakes an older write still waiting for its own (other ID).
  cov_wr_b_reordered:  cover property (@(posedge clk) rst_n && b_event_o && b_idx != bt_head_q &&
                                       bt_valid_q[bt_head_q] && !bt_done_q[bt_head_q]);
  cov_wr_b_error:      cover property (@(posedge clk) rst_n && b_event_o && bi_resp_i != 2'b00);
  cov_wr_w_before_aw:  cover property (@(posedge clk) rst_n && m_axi_wvalid && m_axi_awvalid && !aw_acc_q[h]);
`endif

  logic unused_ok;
  assign unused_ok = ^{s_src_inc_i, stop16, kill16};
endmodule
