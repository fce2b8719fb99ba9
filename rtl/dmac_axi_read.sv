// Issue stage + AXI4 read engine.
//
// Owns the slot table. A slot is allocated for every job the arbiter grants
// (descriptor read, data chunk, status write-back) in a circular order; the
// write engine retires slots in the same order, which keeps memory writes in
// issue order. Data chunks get an AR burst; their R beats are stored into the
// slot's buffer region as a byte stream: stream byte i of the chunk sits at
// slot byte (ro + i), with ro = source offset in the beat for an incrementing
// source and 0 for a fixed (narrow) source. Descriptor beats are passed to the
// channel instead of the buffer.
//
// Both sides incrementing: a chunk ends on a destination beat boundary,
// MAX_BURST destination beats after its first, so write bursts are whole
// (after a descriptor's first chunk), and every source beat is read once: when a chunk ends inside a source beat, the
// rest of that beat belongs to the channel's next chunk. That chunk's read
// starts at the following beat (its slot is marked s_cin_o, "carry in") and the
// write engine takes the first bytes from the beat it kept of the previous
// chunk (dmac_axi_write, carry_q). The carry is tracked here per channel: set
// by a chunk that ends inside a beat before the end of its job, used only by
// the channel's next data job if it starts at that byte, dropped by any other
// data job of the channel and by a stop.
//
// Responses of different IDs may interleave, same-ID responses come in order,
// so an R beat belongs to the oldest slot of that ID still reading.
module dmac_axi_read
  import dmac_axi_pkg::*;
#(
  parameter int NUM_CH          = 8,
  parameter int DATA_W          = 64,
  parameter int ADDR_W          = 32,
  parameter int MAX_BURST       = 16,
  parameter int MAX_OUTSTANDING = 8,
  parameter int NUM_SLOTS       = 12,
  parameter int SIW             = 4        // slot index width
) (
  input  logic                       clk,
  input  logic                       rst_n,
  // job from the arbiter (already muxed from the granted channel)
  input  logic                       job_valid_i,    // a grant happens this cycle
  input  logic [3:0]                 job_ch_i,
  input  job_t                       job_i,          // data: len = bytes available (cut here)
  output logic [12:0]                grant_len_o,    // bytes of the granted job (to the channels)
  input  logic [NUM_CH-1:0]          stop_i,         // drop the channel's carry (abort or error drain)
  output logic                       can_read_o,     // a read job may be granted
  output logic                       can_wb_o,       // a write-back job may be granted
  // slot table, seen by the write engine: the per-slot flags, kinds, channels
  // and widths as packed vectors (a few words), the wide fields read at the
  // two slots the write engine works on (its AW pointer and its head), so no
  // per-slot copy of the table crosses a port. One vector a field, not a
  // packed array of per-slot structs: with 16 slots each vector fits in 64
  // bits and is read at a dynamic index with a shift, where the structs
  // would make one vector of several words.
  output logic [NUM_SLOTS-1:0]       s_valid_o,
  output job_kind_e [NUM_SLOTS-1:0]  s_kind_o,
  output logic [NUM_SLOTS-1:0][3:0]  s_ch_o,
  output logic [NUM_SLOTS-1:0]       s_src_inc_o,
  output logic [NUM_SLOTS-1:0]       s_dst_inc_o,
  output logic [NUM_SLOTS-1:0][2:0]  s_width_o,
  output logic [NUM_SLOTS-1:0]       s_rdone_o,
  output logic [NUM_SLOTS-1:0]       s_cin_o,        // first bytes carried from the channel's previous chunk
  input  logic [SIW-1:0]             wa_slot_i,      // write engine's AW pointer
  output logic [31:0]                wa_dst_o,
  output logic [12:0]                wa_len_o,
  output logic [12:0]                wa_rcv_o,       // stream bytes received so far
  input  logic [SIW-1:0]             wh_slot_i,      // write engine's head (W pointer)
  output logic [31:0]                wh_src_o,
  output logic [$clog2(DATA_W/8)-1:0] wh_dst_o,      // lane of its first byte
  output logic [12:0]                wh_len_o,
  output logic [12:0]                wh_rcv_o,
  output logic [SIW-1:0]             alloc_idx_o,    // slot taken by job_valid_i
  input  logic                       free_valid_i,   // write engine retires the head slot
  // buffer write port
  output logic                       buf_we_o,
  output logic [SIW-1:0]             buf_slot_o,
  output logic [7:0]                 buf_beat_o,
  output logic [DATA_W/8-1:0]        buf_be_o,
  output logic [DATA_W-1:0]          buf_wdata_o,
  // events for channels
  output logic                       desc_beat_o,
  output logic [3:0]                 desc_ch_o,
  output logic [3:0]                 desc_idx_o,     // beat number inside the descriptor burst
  output logic [DATA_W-1:0]          desc_data_o,
  output logic                       rd_err_o,
  output logic [3:0]                 rd_err_ch_o,
  output logic                       rd_err_desc_o,
  output logic [1:0]                 rd_err_resp_o,
  output logic [31:0]                rd_err_addr_o,
  output logic                       idle_o,         // no slot, no AR pending
  output logic [SIW-1:0]             rd_head_o,      // oldest slot
  output logic                       rd_fin_valid_o, // the R beat consumed this cycle is its slot's last
  output logic [SIW-1:0]             rd_fin_slot_o,
  // AXI4 AR / R
  output logic                       m_axi_arvalid,
  input  logic                       m_axi_arready,
  output logic [3:0]                 m_axi_arid,
  output logic [ADDR_W-1:0]          m_axi_araddr,
  output logic [7:0]                 m_axi_arlen,
  output logic [2:0]                 m_axi_arsize,
  output logic [1:0]                 m_axi_arburst,
  output logic                       m_axi_rready,
  // RVALID / RLAST at the pins, looked at only at the clock edge
  input  logic                       pin_rvalid_i,
  input  logic                       pin_rlast_i,
  // R beat as registered at the top-level boundary (one cycle after the pins)
  input  logic                       ri_valid_i,
  input  logic [3:0]                 ri_id_i,
  input  logic [DATA_W-1:0]          ri_data_i,
  input  logic [1:0]                 ri_resp_i,
  input  logic                       ri_last_i
);
  localparam int W  = DATA_W / 8;
  localparam int WB = $clog2(W);
  localparam int OW = $clog2(MAX_OUTSTANDING + 1);

  function automatic logic [SIW-1:0] next_slot(input logic [SIW-1:0] i);
    return (int'(i) == NUM_SLOTS - 1) ? '0 : i + SIW'(1);
  endfunction
  // Slot n places after slot i in the circular order (n < NUM_SLOTS): a
  // compare instead of a modulo, which a simulator would evaluate as a division.
  function automatic logic [SIW-1:0] slot_after(input logic [SIW-1:0] i, input int n);
    int s;
    s = int'(i) + n;
    return SIW'((s >= NUM_SLOTS) ? s - NUM_SLOTS : s);
  endfunction

  logic [SIW-1:0] tail_q, head_q;              // allocate at tail, retire at head
  // Wide per-slot fields, only ever read at one index.
  logic [31:0]    s_src [NUM_SLOTS];
  logic [31:0]    s_dst [NUM_SLOTS];
  logic [12:0]    s_len [NUM_SLOTS];
  logic [12:0]    s_rcv [NUM_SLOTS];          // stream bytes received so far
  logic [8:0] rbeat_q [NUM_SLOTS];          // R beats received per slot
  logic [8:0] rsplit_q [NUM_SLOTS];         // beats of the first burst (rlast check)
  logic [8:0] rtotal_q [NUM_SLOTS];         // R beats of the job, worked out at its grant
  // Read bursts in flight (AR queued, RLAST not yet at the pins): counted per
  // burst, so a job read as two bursts counts twice (its second AR waits for
  // room), and released at the edge RLAST is received, before the beat is
  // processed (it is registered first).
  logic [OW-1:0]  rd_out_q;

  // Total R beats of a job (a carried first beat is not read again; a chunk
  // that lies entirely in it reads nothing).
  function automatic logic [8:0] read_beats(input job_kind_e kind, input logic [WB-1:0] src_off,
                                            input logic [12:0] len, input logic inc,
                                            input logic [2:0] width, input logic cin);
    logic [13:0] span;
    if (kind == JOB_DESC) return 9'(len >> WB);   // whole descriptors, 32 B aligned
    if (!inc) return 9'(len >> width);
    span = 14'(src_off) + 14'(len) + 14'(W - 1);
    return 9'(span >> WB) - 9'(cin);
  endfunction

  // ------------------------------------------------------------ AR channel
  // A job whose incrementing source straddles 4 KiB (only possible when the
  // other side is fixed, see dmac_channel) is read as two bursts: the second
  // AR waits in ar2_* and blocks new grants until it is queued.
  //
  // The AR output register has a one-entry skid behind it, so whether a job
  // can be granted depends on registered state only (never on ARREADY): a
  // job may be granted while the skid is empty; it goes to the output
  // register if that one is free at the clock edge, else into the skid.
  typedef struct packed {
    logic [3:0]        id;
    logic [ADDR_W-1:0] addr;
    logic [7:0]        len;
    logic [2:0]        size;
    logic [1:0]        burst;
  } ar_t;
  logic        ar2_pend_q;
  logic [31:0] ar2_addr_q;
  logic [7:0]  ar2_len_q;
  logic [3:0]  ar2_id_q;
  logic        sk_valid_q;
  ar_t         sk_q, push_ar;
  logic        push_valid;
  logic        ar2_go;         // the second AR of a split job is queued this cycle
  assign ar2_go = ar2_pend_q && !sk_valid_q && (int'(rd_out_q) < MAX_OUTSTANDING);
  assign alloc_idx_o = tail_q;
  assign can_wb_o   = !s_valid_o[tail_q];
  assign can_read_o = !s_valid_o[tail_q] && !sk_valid_q && !ar2_pend_q && (int'(rd_out_q) < MAX_OUTSTANDING);

  // ------------------------------------------------------------ chunk size
  // A data chunk is one job: it fits in a slot and never exceeds MAX_BURST
  // beats on either side; its size and bursts follow the legalizer
  // (dmac_axi_pkg: side_limit next to a fixed side, realign_limit with both
  // sides incrementing, first_burst for a split at 4 KiB). Computed for the
  // granted channel's job only (shared by all channels).
  localparam int CW   = (NUM_CH > 1) ? $clog2(NUM_CH) : 1;

  // Per-channel carry: the next stream byte of the channel's last chunk when
  // that chunk ended inside a source beat before the end of its job.
  logic [NUM_CH-1:0] cy_valid_q, cy_valid_d;
  logic [31:0]       cy_src_q [NUM_CH];   // no reset: compared only with cy_valid_q set

  // Evaluated only in a cycle with a grant (one in 16 or fewer at full rate):
  // grant_len_o and the burst shape are used only with job_valid_i (by the
  // channels with their grant, here at the clock edge).
  logic [8:0]  job_beats, job_b1;
  logic [31:0] job_aligned;     // beat address of the first beat the read returns
  logic        job_cin;         // the job takes its first bytes from the channel's carry
  logic        job_cout;        // ... and leaves one for its next chunk
  logic [31:0] job_end;         // source byte after the chunk
  always_comb begin
    logic        any_fixed;
    logic [13:0] lim_s, lim_d, lim;
    any_fixed   = 1'b0;   // block temporaries set on every path (no latch)
    lim_s       = '0;
    lim_d       = '0;
    lim         = '0;
    grant_len_o   = '0;
    job_beats   = '0;
    job_b1      = '0;
    job_aligned = '0;
    job_cin     = 1'b0;
    job_cout    = 1'b0;
    job_end     = '0;
    if (job_valid_i) begin
      any_fixed   = !job_i.src_inc || !job_i.dst_inc;
      job_cin     = job_i.kind == JOB_DATA && !any_fixed && cy_valid_q[CW'(job_ch_i)] && cy_src_q[CW'(job_ch_i)] == job_i.src;
      if (any_fixed) begin
        lim_s     = dmac_axi_pkg::side_limit(job_i.src[11:0], job_i.src_inc, job_i.width, MAX_BURST, WB);
        lim_d     = dmac_axi_pkg::side_limit(job_i.dst[11:0], job_i.dst_inc, job_i.width, MAX_BURST, WB);
        lim       = (lim_s < lim_d) ? lim_s : lim_d;
      end else begin
        lim       = dmac_axi_pkg::realign_limit(job_i.src[11:0], job_i.dst[11:0], job_cin, MAX_BURST, WB);
      end
      grant_len_o   = (job_i.kind == JOB_DATA && job_i.len >= 24'(lim)) ? 13'(lim) : 13'(job_i.len);
      job_end     = job_i.src + 32'(grant_len_o);
      job_cout    = job_i.kind == JOB_DATA && !any_fixed && 24'(grant_len_o) != job_i.len && job_end[WB-1:0] != '0;
      job_beats   = read_beats(job_i.kind, job_i.src[WB-1:0], grant_len_o, job_i.src_inc, job_i.width, job_cin);
      job_aligned = {job_i.src[31:WB], WB'(0)} + (job_cin ? 32'(W) : 32'd0);
      job_b1      = job_i.src_inc ? dmac_axi_pkg::first_burst(job_aligned[11:0], job_beats, WB) : job_beats;
    end
  end

  // A data job replaces its channel's carry; a stopped channel's carry is
  // dropped (its next data job, if any, starts a new run of the chain).
  always_comb begin
    cy_valid_d = cy_valid_q;
    if (job_valid_i && job_i.kind == JOB_DATA) cy_valid_d[CW'(job_ch_i)] = job_cout;
    cy_valid_d = cy_valid_d & ~stop_i;
  end

  // The AR to queue this cycle: the second burst of a split job, or a new job
  // (never both: a pending second burst blocks grants).
  always_comb begin
    push_valid = 1'b0;
    push_ar    = '0;
    if (ar2_go) begin
      push_valid    = 1'b1;
      push_ar.id    = ar2_id_q;
      push_ar.addr  = ADDR_W'(ar2_addr_q);
      push_ar.len   = ar2_len_q;
      push_ar.size  = 3'(WB);
      push_ar.burst = 2'b01;
    end else if (job_valid_i && job_i.kind != JOB_WB && job_beats != '0) begin
      push_valid    = 1'b1;
      push_ar.id    = job_ch_i;
      push_ar.len   = 8'(job_b1 - 9'd1);
      if (job_i.src_inc) begin
        // Aligned start; the byte offset is handled by the buffer (and a
        // carried first beat by the write engine).
        push_ar.addr  = ADDR_W'(job_aligned);
        push_ar.size  = 3'(WB);
        push_ar.burst = 2'b01;   // INCR
      end else begin
        push_ar.addr  = ADDR_W'(job_i.src);
        push_ar.size  = job_i.width;
        push_ar.burst = 2'b00;   // FIXED
      end
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      m_axi_arvalid <= 1'b0;
      m_axi_arid    <= '0;
      m_axi_araddr  <= '0;
      m_axi_arlen   <= '0;
      m_axi_arsize  <= '0;
      m_axi_arburst <= '0;
      sk_valid_q    <= 1'b0;
      sk_q          <= '0;
      ar2_pend_q    <= 1'b0;
      ar2_addr_q    <= '0;
      ar2_len_q     <= '0;
      ar2_id_q      <= '0;
    end else begin
      // ARREADY is looked at only here, at the clock edge.
      if (!m_axi_arvalid || m_axi_arready) begin
        if (sk_valid_q) begin
          {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst} <= sk_q;
          m_axi_arvalid <= 1'b1;
          sk_valid_q    <= push_valid;
          if (push_valid) sk_q <= push_ar;
        end else begin
          m_axi_arvalid <= push_valid;
          if (push_valid) {m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst} <= push_ar;
        end
      end else if (push_valid) begin
        sk_valid_q <= 1'b1;
        sk_q       <= push_ar;
      end
      if (ar2_go) ar2_pend_q <= 1'b0;
      if (job_valid_i && job_i.kind != JOB_WB && job_b1 != job_beats) begin
        ar2_pend_q <= 1'b1;
        ar2_addr_q <= job_aligned + 32'(job_b1) * W;   // the 4 KiB boundary
        ar2_len_q  <= 8'(job_beats - job_b1 - 9'd1);
        ar2_id_q   <= job_ch_i;
      end
    end
  end

  // -------------------------------------------------------------- R channel
  assign m_axi_rready = 1'b1;   // space is reserved at allocation

  // Oldest reading slot with this ID, looked up only in a cycle with an R
  // beat (everything that uses it is qualified by ri_valid_i). The slot of the
  // previous beat (rc_*), while it still reads, is the answer for the next
  // beat of the same ID: it was the oldest reading slot of that ID, the older
  // ones have finished reading (a slot never reads again) and newer ones come
  // after it. The table is searched only for a burst's first beat after
  // another ID's beat or after a slot's last beat.
  logic           rc_valid_q;
  logic [3:0]     rc_id_q;
  logic [SIW-1:0] rc_slot_q;
  logic           r_hit;
  logic [SIW-1:0] r_slot;
  always_comb begin
    logic [SIW-1:0] idx;
    r_hit  = 1'b0;
    r_slot = '0;
    idx    = '0;
    if (ri_valid_i && rc_valid_q && ri_id_i == rc_id_q) begin
      r_hit  = 1'b1;
      r_slot = rc_slot_q;
    end else if (ri_valid_i) begin
      for (int i = 0; i < NUM_SLOTS; i++) begin
        idx = slot_after(head_q, i);
        // The first match wins (expressions: Verilator's coverage does not
        // count an if inside this loop).
        r_slot = (!r_hit && s_valid_o[idx] && !s_rdone_o[idx] && s_kind_o[idx] != JOB_WB && s_ch_o[idx] == ri_id_i) ? idx : r_slot;
        r_hit  = r_hit || (s_valid_o[idx] && !s_rdone_o[idx] && s_kind_o[idx] != JOB_WB && s_ch_o[idx] == ri_id_i);
      end
    end
  end

  logic           r_fire;
  logic [8:0]     r_b;            // beat number inside the burst
  logic           r_last_beat;
  logic [12:0]    r_pos;          // stream position of this beat's first byte (fixed source)
  logic [WB-1:0]  r_rot;          // left rotation (bytes) from bus lanes to buffer lanes
  logic [13:0]    r_rcv_next;
  assign r_fire = ri_valid_i && r_hit;
  assign r_b    = rbeat_q[r_slot];

  // Everything below is used only with r_fire (the slot table update at the
  // edge, the buffer write, the events): computed only in a cycle with an R beat.
  // Incrementing source: the beat as it is. Fixed (narrow) source: its
  // 1 << WIDTH bytes rotated from their bus lanes to the stream position,
  // lane l <- bus lane (l - r_rot) mod W (whole-word shifts, no per-lane loop).
  always_comb begin
    r_last_beat = 1'b0;
    r_pos       = '0;
    r_rot       = '0;
    r_rcv_next  = '0;
    buf_we_o      = 1'b0;
    buf_slot_o    = r_slot;
    buf_beat_o    = '0;
    buf_wdata_o   = ri_data_i;
    buf_be_o      = '1;
    if (ri_valid_i) begin
      r_last_beat = (r_b + 9'd1) == rtotal_q[r_slot];
      buf_we_o      = r_fire && s_kind_o[r_slot] == JOB_DATA;
      if (s_src_inc_o[r_slot]) begin
        // bytes of the stream covered after this beat (and the carried
        // first beat), capped at the length
        r_rcv_next = 14'((32'(r_b) + 32'd1 + 32'(s_cin_o[r_slot])) * W) - 14'(s_src[r_slot][WB-1:0]);
        if (r_rcv_next > 14'(s_len[r_slot])) r_rcv_next = 14'(s_len[r_slot]);
        buf_beat_o   = 8'(r_b);
      end else begin
        r_pos      = 13'(r_b) << s_width_o[r_slot];
        r_rot      = r_pos[WB-1:0] - s_src[r_slot][WB-1:0];
        r_rcv_next = 14'(r_pos) + 14'(14'd1 << s_width_o[r_slot]);
        buf_beat_o   = 8'(r_pos >> WB);
        buf_wdata_o  = (ri_data_i << (32'(r_rot) * 8)) | (ri_data_i >> ((W - 32'(r_rot)) * 8));
        buf_be_o     = W'(((32'd1 << (32'd1 << s_width_o[r_slot])) - 32'd1) << r_pos[WB-1:0]);
      end
    end
  end

  assign wa_dst_o = s_dst[wa_slot_i];
  assign wa_len_o = s_len[wa_slot_i];
  assign wa_rcv_o = s_rcv[wa_slot_i];
  assign wh_src_o = s_src[wh_slot_i];
  assign wh_dst_o = s_dst[wh_slot_i][WB-1:0];
  assign wh_len_o = s_len[wh_slot_i];
  assign wh_rcv_o = s_rcv[wh_slot_i];

  assign rd_head_o      = head_q;
  assign rd_fin_valid_o = r_fire && r_last_beat;
  assign rd_fin_slot_o  = r_slot;

  assign desc_beat_o = r_fire && s_kind_o[r_slot] == JOB_DESC;
  assign desc_ch_o   = s_ch_o[r_slot];
  assign desc_idx_o  = 4'(r_b);
  assign desc_data_o = ri_data_i;

  // Only descriptor bytes 0x00..0x13 are used: an error on the rest is ignored
  // (a prefetch burst reads several descriptors: the offset inside each).
  logic [31:0] r_desc_off;
  assign r_desc_off  = (32'(r_b) * W) % 32;
  assign rd_err_o      = r_fire && ri_resp_i != 2'b00 &&
                       !(s_kind_o[r_slot] == JOB_DESC && r_desc_off >= 20);
  assign rd_err_ch_o   = s_ch_o[r_slot];
  assign rd_err_desc_o = s_kind_o[r_slot] == JOB_DESC;
  assign rd_err_resp_o = ri_resp_i;
  // The first byte of the chunk the failing burst returns: the chunk's start,
  // or the burst's address when it starts later (after a carried beat, or
  // the second burst of a chunk split at 4 KiB), so ERR_ADDR is in the
  // faulting byte's 4 KiB page and at most one burst before it.
  always_comb begin
    logic [31:0] first;
    first       = '0;
    rd_err_addr_o = s_src[r_slot];
    if (ri_valid_i && ri_resp_i != 2'b00 && s_src_inc_o[r_slot] && s_kind_o[r_slot] == JOB_DATA) begin
      first = {s_src[r_slot][31:WB], WB'(0)} +
              32'((32'(s_cin_o[r_slot]) + ((r_b >= rsplit_q[r_slot]) ? 32'(rsplit_q[r_slot]) : 32'd0)) * W);
      if (first > s_src[r_slot]) rd_err_addr_o = first;
    end
  end

  // ------------------------------------------------------------ slot table
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      tail_q    <= '0;
      head_q    <= '0;
      rd_out_q  <= '0;
      s_valid_o   <= '0;
      s_kind_o    <= '0;
      s_ch_o      <= '0;
      s_src     <= '{default: '0};
      s_dst     <= '{default: '0};
      s_len     <= '{default: '0};
      s_src_inc_o <= '0;
      s_dst_inc_o <= '0;
      s_width_o   <= '0;
      s_rcv     <= '{default: '0};
      s_rdone_o   <= '0;
      s_cin_o     <= '0;
      cy_valid_q <= '0;
      rbeat_q   <= '{default: '0};
      rsplit_q  <= '{default: '0};
      rtotal_q  <= '{default: '0};
      rc_valid_q <= 1'b0;
      rc_id_q    <= '0;
      rc_slot_q  <= '0;
    end else begin
      if (job_valid_i) begin
        s_valid_o[tail_q]   <= 1'b1;
        s_kind_o[tail_q]    <= job_i.kind;
        s_ch_o[tail_q]      <= job_ch_i;
        s_src[tail_q]     <= job_i.src;
        s_dst[tail_q]     <= job_i.dst;
        s_len[tail_q]     <= grant_len_o;
        s_src_inc_o[tail_q] <= job_i.src_inc;
        s_dst_inc_o[tail_q] <= job_i.dst_inc;
        s_width_o[tail_q]   <= job_i.width;
        // bytes already there: the carried ones
        s_rcv[tail_q]     <= job_cin ? ((13'(W) - 13'(job_i.src[WB-1:0]) < grant_len_o) ?
                                        13'(W) - 13'(job_i.src[WB-1:0]) : grant_len_o) : '0;
        s_rdone_o[tail_q]   <= (job_i.kind == JOB_WB) || job_beats == '0;   // nothing to read
        s_cin_o[tail_q]     <= job_cin;
        rbeat_q[tail_q]   <= '0;
        rsplit_q[tail_q]  <= job_b1;
        rtotal_q[tail_q]  <= job_beats;
        tail_q            <= next_slot(tail_q);
        if (job_i.kind == JOB_DATA) cy_src_q[CW'(job_ch_i)] <= job_end;
      end
      cy_valid_q <= cy_valid_d;
      if (r_fire) begin
        rbeat_q[r_slot] <= r_b + 9'd1;
        s_rcv[r_slot]   <= 13'(r_rcv_next);
        if (r_last_beat) s_rdone_o[r_slot] <= 1'b1;
        rc_valid_q <= !r_last_beat;
        rc_id_q    <= ri_id_i;
        rc_slot_q  <= r_slot;
      end
      if (free_valid_i) begin
        s_valid_o[head_q] <= 1'b0;
        head_q          <= next_slot(head_q);
      end
      rd_out_q <= rd_out_q + OW'(push_valid) - OW'(pin_rvalid_i && pin_rlast_i);
    end
  end

  assign idle_o = (s_valid_o == '0) && !m_axi_arvalid && !sk_valid_q && !ar2_pend_q;

  // ------------------------------------------------------- cover points
  // User coverage (coverage build only, see dmac_channel).
`ifdef DMAC_COVER
  logic [3:0] cov_prev_rid_q;
  logic       cov_in_burst_q;   // an R burst is between its first and last beat
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cov_prev_rid_q <= '0;
      cov_in_burst_q <= 1'b0;
    end else if (r_fire) begin
      cov_prev_rid_q <= ri_id_i;
      cov_in_burst_q <= !ri_last_i;
    end
  end
  cov_rd_split:          cover property (@(posedge clk) rst_n && ar2_go);
  cov_rd_fixed:          cover property (@(posedge clk) rst_n && job_valid_i && job_i.kind == JOB_DATA && !job_i.src_inc);
  cov_rd_max_out:        cover property (@(posedge clk) rst_n && int'(rd_out_q) == MAX_OUTSTANDING);
  cov_rd_interleaved:    cover property (@(posedge clk) rst_n && r_fire && cov_in_burst_q && ri_id_i != cov_prev_rid_q);
  cov_rd_err_desc_tail:  cover property (@(posedge clk) rst_n && r_fire && ri_resp_i != 2'b00 && s_kind_o[r_slot] == JOB_DESC &&
                                         !rd_err_o);
  cov_rd_slots_full:     cover property (@(posedge clk) rst_n && s_valid_o[tail_q]);
  // Whole-beat realignment: a chunk continues its channel's carry, lies
  // entirely in it (no read), has its source split at 4 KiB; a carry is
  // dropped by a stop; a read error on a beat part of which is carried.
  logic [NUM_SLOTS-1:0] cov_cout_q;   // the slot's last source beat is carried
  always_ff @(posedge clk) begin
    if (!rst_n)         cov_cout_q <= '0;
    else if (job_valid_i) cov_cout_q[tail_q] <= job_cout;
  end
  cov_rd_carry_used:     cover property (@(posedge clk) rst_n && job_valid_i && job_cin);
  cov_rd_carry_no_read:  cover property (@(posedge clk) rst_n && job_valid_i && job_cin && job_beats == '0);
  cov_rd_carry_split:    cover property (@(posedge clk) rst_n && job_valid_i && job_i.kind == JOB_DATA && job_i.src_inc &&
                                         job_i.dst_inc && job_b1 != job_beats);
  cov_rd_carry_dropped:  cover property (@(posedge clk) rst_n && (cy_valid_q & stop_i) != '0);
  cov_rd_err_carried:    cover property (@(posedge clk) rst_n && r_fire && ri_resp_i != 2'b00 && r_last_beat &&
                                         cov_cout_q[r_slot]);
`endif

  // ---------------------------------------------------------- invariants
  always_ff @(posedge clk) begin
    if (rst_n) begin
      if (ri_valid_i) assert (r_hit) else $error("dmac_axi_read: R beat with no burst outstanding for its ID");
      if (r_fire) assert (ri_last_i == (r_last_beat || (r_b + 9'd1) == rsplit_q[r_slot])) else $error("dmac_axi_read: RLAST does not match ARLEN");
      assert (!(pin_rvalid_i && pin_rlast_i && rd_out_q == '0))
        else $error("dmac_axi_read: outstanding counter underflow");
      assert (int'(rd_out_q) <= MAX_OUTSTANDING) else $error("dmac_axi_read: too many reads in flight");
      if (job_valid_i) assert (!s_valid_o[tail_q]) else $error("dmac_axi_read: allocating a busy slot");
      // The write engine takes a carried beat for a chunk's first W beat only:
      // such a chunk starts on a destination beat boundary (its previous
      // chunk ended on one: cut by realign_limit's destination limit, the
      // others end the job or a source beat).
      if (job_valid_i && job_cin) assert (job_i.dst[WB-1:0] == '0 && job_i.src[WB-1:0] != '0)
        else $error("dmac_axi_read: carry into a chunk that does not start a destination beat");
      if (job_valid_i && job_i.kind == JOB_DATA) assert (int'(job_beats) <= MAX_BURST)
        else $error("dmac_axi_read: chunk larger than a slot");
      if (free_valid_i) assert (s_valid_o[head_q]) else $error("dmac_axi_read: retiring an empty slot");
      if (m_axi_arvalid && m_axi_arburst == 2'b01)
        assert ((32'(m_axi_araddr[11:0]) + (32'(m_axi_arlen) + 32'd1) * W) <= 32'd4096)
          else $error("dmac_axi_read: burst crosses 4 KiB");
      if (m_axi_arvalid) assert (int'(m_axi_arlen) < MAX_BURST) else $error("dmac_axi_read: burst longer than MAX_BURST");
    end
  end
endmodule
