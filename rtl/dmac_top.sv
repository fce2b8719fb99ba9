// dmac: multi-channel descriptor DMA controller (see docs/dmac-spec.md).
//
//   regs ──► channels ──► arbiter ──► read engine (slots, AR/R, buffer)
//                ▲                          │
//                └──── events ◄── write engine (AW/W/B) ◄┘
//
// Channels split descriptors into jobs of at most one burst; the arbiter
// grants one job per cycle (two priority levels, round robin); every job gets
// a slot in a shared circular buffer, so reads run ahead of writes by up to
// NUM_SLOTS bursts (MAX_OUTSTANDING of them reading) to hide memory latency.
module dmac_top
  import dmac_axi_pkg::*;
#(
  parameter int NUM_CH          = 8,
  parameter int NUM_REQ         = 16,
  parameter int DATA_W          = 64,
  parameter int ADDR_W          = 32,
  parameter int MAX_BURST       = 16,
  parameter int MAX_OUTSTANDING = 12  // 8 left a 64 B chain at L = 100 short of reads (bench/README.md)
) (
  input  logic                clk,
  input  logic                rst_n,
  // AXI4-Lite slave (registers)
  input  logic                s_axil_awvalid,
  output logic                s_axil_awready,
  input  logic [15:0]         s_axil_awaddr,
  input  logic                s_axil_wvalid,
  output logic                s_axil_wready,
  input  logic [31:0]         s_axil_wdata,
  input  logic [3:0]          s_axil_wstrb,
  output logic                s_axil_bvalid,
  input  logic                s_axil_bready,
  output logic [1:0]          s_axil_bresp,
  input  logic                s_axil_arvalid,
  output logic                s_axil_arready,
  input  logic [15:0]         s_axil_araddr,
  output logic                s_axil_rvalid,
  input  logic                s_axil_rready,
  output logic [31:0]         s_axil_rdata,
  output logic [1:0]          s_axil_rresp,
  // AXI4 master (memory)
  output logic                m_axi_awvalid,
  input  logic                m_axi_awready,
  output logic [3:0]          m_axi_awid,
  output logic [ADDR_W-1:0]   m_axi_awaddr,
  output logic [7:0]          m_axi_awlen,
  output logic [2:0]          m_axi_awsize,
  output logic [1:0]          m_axi_awburst,
  output logic                m_axi_wvalid,
  input  logic                m_axi_wready,
  output logic [DATA_W-1:0]   m_axi_wdata,
  output logic [DATA_W/8-1:0] m_axi_wstrb,
  output logic                m_axi_wlast,
  input  logic                m_axi_bvalid,
  output logic                m_axi_bready,
  input  logic [3:0]          m_axi_bid,
  input  logic [1:0]          m_axi_bresp,
  output logic                m_axi_arvalid,
  input  logic                m_axi_arready,
  output logic [3:0]          m_axi_arid,
  output logic [ADDR_W-1:0]   m_axi_araddr,
  output logic [7:0]          m_axi_arlen,
  output logic [2:0]          m_axi_arsize,
  output logic [1:0]          m_axi_arburst,
  input  logic                m_axi_rvalid,
  output logic                m_axi_rready,
  input  logic [3:0]          m_axi_rid,
  input  logic [DATA_W-1:0]   m_axi_rdata,
  input  logic [1:0]          m_axi_rresp,
  input  logic                m_axi_rlast,
  // interrupts, peripheral handshake
  output logic                irq,
  input  logic [NUM_REQ-1:0]  dreq_burst,
  input  logic [NUM_REQ-1:0]  dreq_single,
  input  logic [NUM_REQ-1:0]  dreq_last_burst,
  input  logic [NUM_REQ-1:0]  dreq_last_single,
  output logic [NUM_REQ-1:0]  dclr,
  output logic [NUM_REQ-1:0]  dtc,
  output logic                quiescent
);
  localparam int NUM_SLOTS = MAX_OUTSTANDING + 4;   // reads in flight + bursts being written
  localparam int SIW       = $clog2(NUM_SLOTS);
  localparam int BUF_DEPTH = NUM_SLOTS * MAX_BURST;
  localparam int BUF_AW    = $clog2(BUF_DEPTH);
  localparam int NUM_BT    = 16;
  localparam int CHW       = (NUM_CH > 1) ? $clog2(NUM_CH) : 1;

  // Parameter checks (elaboration time).
  if (NUM_CH < 1 || NUM_CH > 16) $error("dmac_top: NUM_CH must be 1..16");
  if (NUM_REQ < 1 || NUM_REQ > 32) $error("dmac_top: NUM_REQ must be 1..32");
  if (DATA_W != 32 && DATA_W != 64 && DATA_W != 128) $error("dmac_top: DATA_W must be 32, 64 or 128");
  if (MAX_BURST < 16 || MAX_BURST > 256 || (MAX_BURST & (MAX_BURST - 1)) != 0)
    $error("dmac_top: MAX_BURST must be a power of two in 16..256");
  if (MAX_BURST * DATA_W / 8 > 4096) $error("dmac_top: MAX_BURST beats must fit in 4 KiB");
  if (MAX_OUTSTANDING < 1 || MAX_OUTSTANDING > 255) $error("dmac_top: MAX_OUTSTANDING must be 1..255");

  // ------------------------------------------------------------- registers
  logic [NUM_CH-1:0]       r_doorbell, r_abort, r_pause, r_prio, r_wb_en;
  logic [31:0]             r_doorbell_addr;
  logic [NUM_CH-1:0][2:0] r_irq_clr;
  logic [NUM_CH-1:0]       r_irq_clr_any;
  // Channel status as the register block reads it (packed per channel,
  // indexed by the register read's channel).
  logic [NUM_CH-1:0][1:0]  c_state;
  logic [NUM_CH-1:0]       c_aborted, c_wait_req, c_busy_err;
  logic [NUM_CH-1:0][3:0]  c_err_code;
  logic [NUM_CH-1:0][1:0]  c_err_resp;
  logic [NUM_CH-1:0][31:0] c_err_addr, c_cur_desc, c_remaining;
  // TC_COUNT is the channel's register itself: tests preset a channel's
  // tc_count_q through the model's root and read it back through the bus.
  logic [NUM_CH-1:0][31:0] c_tc_count;
  logic [NUM_CH-1:0][2:0]  c_irq_raw;
  logic                    regs_idle;

  dmac_axil_regs #(
    .NUM_CH(NUM_CH), .NUM_REQ(NUM_REQ), .DATA_W(DATA_W),
    .MAX_BURST(MAX_BURST), .MAX_OUTSTANDING(MAX_OUTSTANDING)
  ) u_regs (
    .clk, .rst_n,
    .s_axil_awvalid, .s_axil_awready, .s_axil_awaddr,
    .s_axil_wvalid, .s_axil_wready, .s_axil_wdata, .s_axil_wstrb,
    .s_axil_bvalid, .s_axil_bready, .s_axil_bresp,
    .s_axil_arvalid, .s_axil_arready, .s_axil_araddr,
    .s_axil_rvalid, .s_axil_rready, .s_axil_rdata, .s_axil_rresp,
    .doorbell_o(r_doorbell), .doorbell_addr_o(r_doorbell_addr), .abort_req_o(r_abort),
    .pause_o(r_pause), .prio_o(r_prio), .wb_en_o(r_wb_en), .irq_clr_o(r_irq_clr), .irq_clr_any_o(r_irq_clr_any),
    .ch_state_i(c_state), .ch_aborted_i(c_aborted), .ch_wait_req_i(c_wait_req),
    .ch_busy_err_i(c_busy_err), .ch_err_code_i(c_err_code), .ch_err_resp_i(c_err_resp),
    .ch_err_addr_i(c_err_addr), .ch_cur_desc_i(c_cur_desc), .ch_remaining_i(c_remaining),
    .ch_irq_raw_i(c_irq_raw), .ch_tc_count_i(c_tc_count),
    .irq, .idle_o(regs_idle)
  );

  // -------------------------------------------------------------- channels
  logic [NUM_CH-1:0]        j_valid, j_wb, grant, stop, kill, ch_busy;
  logic                     ch_quiet;
  // The granted channel's job (the arbiter's grant selects it by index).
  job_t                     g_job;
  logic [12:0] g_len;   // length of the granted job (data chunks are cut by the issue stage)

  // Events from the engines (one of each per cycle at most, tagged with the
  // channel number).
  logic              ev_desc;
  logic [3:0]        ev_desc_ch;
  logic [3:0]        ev_desc_idx;
  logic [DATA_W-1:0] ev_desc_data;
  logic              ev_rerr, ev_rerr_desc;
  logic [3:0]        ev_rerr_ch;
  logic [1:0]        ev_rerr_resp;
  logic [31:0]       ev_rerr_addr;
  logic              ev_b, ev_b_wb, ev_b_killed;
  logic [3:0]        ev_b_ch;
  logic [12:0]       ev_b_len;
  logic [1:0]        ev_b_resp;
  logic [31:0]       ev_b_addr;

  // The "last" request forms act like the plain ones (DMAC is flow controller).
  logic [NUM_REQ-1:0] dreq_b_any, dreq_s_any;
  assign dreq_b_any = dreq_burst | dreq_last_burst;
  assign dreq_s_any = dreq_single | dreq_last_single;

  logic           g_valid;
  logic [CHW-1:0] gnt_ch;

  dmac_channel #(.NUM_CH(NUM_CH), .NUM_REQ(NUM_REQ), .DATA_W(DATA_W)) u_ch (
    .clk, .rst_n,
    .doorbell_i(r_doorbell), .doorbell_addr_i(r_doorbell_addr), .abort_i(r_abort),
    .pause_i(r_pause), .wb_en_i(r_wb_en), .irq_clr_i(r_irq_clr), .irq_clr_any_i(r_irq_clr_any),
    .req_valid_o(j_valid), .req_wb_o(j_wb), .grant_i(grant), .grant_ch_i(gnt_ch),
    .job_o(g_job), .grant_len_i(g_len),
    .desc_beat_i(ev_desc), .desc_ch_i(ev_desc_ch), .desc_beat_idx_i(ev_desc_idx),
    .desc_beat_data_i(ev_desc_data),
    .rd_err_i(ev_rerr), .rd_err_ch_i(ev_rerr_ch), .rd_err_desc_i(ev_rerr_desc),
    .rd_err_resp_i(ev_rerr_resp), .rd_err_addr_i(ev_rerr_addr),
    .bresp_i(ev_b), .bresp_ch_i(ev_b_ch), .bresp_wb_i(ev_b_wb), .bresp_killed_i(ev_b_killed),
    .bresp_len_i(ev_b_len), .bresp_resp_i(ev_b_resp), .bresp_addr_i(ev_b_addr),
    .busy_i(ch_busy), .stop_o(stop), .kill_o(kill),
    .dreq_burst_i(dreq_b_any), .dreq_single_i(dreq_s_any), .dclr_o(dclr), .dtc_o(dtc),
    .state_o(c_state), .aborted_o(c_aborted), .wait_req_o(c_wait_req),
    .busy_err_o(c_busy_err), .err_code_o(c_err_code), .err_resp_o(c_err_resp),
    .err_addr_o(c_err_addr), .cur_desc_o(c_cur_desc), .remaining_o(c_remaining),
    .irq_raw_o(c_irq_raw), .tc_count_o(c_tc_count), .quiet_o(ch_quiet)
  );

  // ------------------------------------------------------------ arbitration
  logic can_read, can_wb;
  logic [NUM_CH-1:0] eligible;
  assign eligible = j_valid & ((j_wb & {NUM_CH{can_wb}}) | (~j_wb & {NUM_CH{can_read}}));

  dmac_arbiter #(.N(NUM_CH)) u_arb (
    .clk, .rst_n, .req_i(eligible), .prio_i(r_prio), .enable_i(1'b1), .grant_o(grant), .grant_idx_o(gnt_ch)
  );
  assign g_valid = |grant;

  // ------------------------------------------------------ response inputs
  // R and B are registered at the boundary: nothing in the controller
  // depends combinationally on a top-level input, so a Verilated model
  // evaluates its logic once per clock edge (not again on every input
  // change). RREADY and BREADY are constant 1 (space is reserved when a job
  // is granted), so the register never stalls: a response is taken every
  // cycle it is presented and acted on one cycle later.
  logic              ri_valid_q, ri_last_q, bi_valid_q;
  logic [3:0]        ri_id_q, bi_id_q;
  logic [DATA_W-1:0] ri_data_q;
  logic [1:0]        ri_resp_q, bi_resp_q;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      ri_valid_q <= 1'b0;
      bi_valid_q <= 1'b0;
    end else begin
      ri_valid_q <= m_axi_rvalid;
      bi_valid_q <= m_axi_bvalid;
    end
    if (m_axi_rvalid) begin
      ri_id_q   <= m_axi_rid;
      ri_data_q <= m_axi_rdata;
      ri_resp_q <= m_axi_rresp;
      ri_last_q <= m_axi_rlast;
    end
    if (m_axi_bvalid) begin
      bi_id_q   <= m_axi_bid;
      bi_resp_q <= m_axi_bresp;
    end
  end

  // ---------------------------------------------------------------- engines
  logic [NUM_SLOTS-1:0]       s_valid, s_src_inc, s_dst_inc, s_rdone, s_cin;
  job_kind_e [NUM_SLOTS-1:0]  s_kind;
  logic [NUM_SLOTS-1:0][3:0]  s_ch;
  logic [NUM_SLOTS-1:0][2:0]  s_width;
  logic [SIW-1:0]             wa_slot, wh_slot;
  logic [31:0]                wa_dst, wh_src;
  logic [$clog2(DATA_W/8)-1:0] wh_dst;
  logic [12:0]                wa_len, wa_rcv, wh_len, wh_rcv;
  logic [SIW-1:0]             alloc_idx, buf_slot, rd_head, rd_fin_slot;
  logic                       rd_fin_valid;
  logic                       free_valid, rd_idle, wr_idle;
  logic                       buf_we;
  logic [7:0]                 buf_beat;
  logic [DATA_W/8-1:0]        buf_be;
  logic [DATA_W-1:0]          buf_wdata, buf_rdata0, buf_rdata1;
  logic [BUF_AW-1:0]          buf_raddr0, buf_raddr1, buf_waddr;

  dmac_axi_read #(
    .NUM_CH(NUM_CH), .DATA_W(DATA_W), .ADDR_W(ADDR_W), .MAX_BURST(MAX_BURST),
    .MAX_OUTSTANDING(MAX_OUTSTANDING), .NUM_SLOTS(NUM_SLOTS), .SIW(SIW)
  ) u_rd (
    .clk, .rst_n,
    .job_valid_i(g_valid), .job_ch_i(4'(gnt_ch)), .job_i(g_job), .grant_len_o(g_len), .stop_i(stop),
    .can_read_o(can_read), .can_wb_o(can_wb),
    .s_valid_o(s_valid), .s_kind_o(s_kind), .s_ch_o(s_ch), .s_src_inc_o(s_src_inc),
    .s_dst_inc_o(s_dst_inc), .s_width_o(s_width), .s_rdone_o(s_rdone), .s_cin_o(s_cin),
    .wa_slot_i(wa_slot), .wa_dst_o(wa_dst), .wa_len_o(wa_len), .wa_rcv_o(wa_rcv),
    .wh_slot_i(wh_slot), .wh_src_o(wh_src), .wh_dst_o(wh_dst), .wh_len_o(wh_len), .wh_rcv_o(wh_rcv),
    .alloc_idx_o(alloc_idx), .free_valid_i(free_valid),
    .buf_we_o(buf_we), .buf_slot_o(buf_slot), .buf_beat_o(buf_beat), .buf_be_o(buf_be),
    .buf_wdata_o(buf_wdata),
    .desc_beat_o(ev_desc), .desc_ch_o(ev_desc_ch), .desc_idx_o(ev_desc_idx), .desc_data_o(ev_desc_data),
    .rd_err_o(ev_rerr), .rd_err_ch_o(ev_rerr_ch), .rd_err_desc_o(ev_rerr_desc),
    .rd_err_resp_o(ev_rerr_resp), .rd_err_addr_o(ev_rerr_addr),
    .idle_o(rd_idle), .rd_head_o(rd_head), .rd_fin_valid_o(rd_fin_valid), .rd_fin_slot_o(rd_fin_slot),
    .m_axi_arvalid, .m_axi_arready, .m_axi_arid, .m_axi_araddr, .m_axi_arlen, .m_axi_arsize,
    .m_axi_arburst, .m_axi_rready, .pin_rvalid_i(m_axi_rvalid), .pin_rlast_i(m_axi_rlast),
    .ri_valid_i(ri_valid_q), .ri_id_i(ri_id_q), .ri_data_i(ri_data_q), .ri_resp_i(ri_resp_q), .ri_last_i(ri_last_q)
  );

  assign buf_waddr = BUF_AW'(32'(buf_slot) * MAX_BURST + 32'(buf_beat));

  dmac_slot_buffer #(.DATA_W(DATA_W), .DEPTH(BUF_DEPTH)) u_buf (
    .clk, .we_i(buf_we), .waddr_i(buf_waddr), .wbe_i(buf_be), .wdata_i(buf_wdata),
    .raddr0_i(buf_raddr0), .rdata0_o(buf_rdata0), .raddr1_i(buf_raddr1), .rdata1_o(buf_rdata1)
  );

  dmac_axi_write #(
    .NUM_CH(NUM_CH), .DATA_W(DATA_W), .ADDR_W(ADDR_W), .MAX_BURST(MAX_BURST),
    .NUM_SLOTS(NUM_SLOTS), .SIW(SIW), .NUM_BT(NUM_BT), .BUF_AW(BUF_AW)
  ) u_wr (
    .clk, .rst_n,
    .s_valid_i(s_valid), .s_kind_i(s_kind), .s_ch_i(s_ch), .s_src_inc_i(s_src_inc),
    .s_dst_inc_i(s_dst_inc), .s_width_i(s_width), .s_rdone_i(s_rdone), .s_cin_i(s_cin),
    .wa_slot_o(wa_slot), .wa_dst_i(wa_dst), .wa_len_i(wa_len), .wa_rcv_i(wa_rcv),
    .wh_slot_o(wh_slot), .wh_src_i(wh_src), .wh_dst_i(wh_dst), .wh_len_i(wh_len), .wh_rcv_i(wh_rcv),
    .alloc_valid_i(g_valid), .alloc_idx_i(alloc_idx), .free_valid_o(free_valid), .stop_i(stop), .kill_i(kill),
    .buf_raddr0_o(buf_raddr0), .buf_rdata0_i(buf_rdata0), .buf_raddr1_o(buf_raddr1), .buf_rdata1_i(buf_rdata1),
    .b_event_o(ev_b), .b_ch_o(ev_b_ch), .b_wb_o(ev_b_wb), .b_killed_o(ev_b_killed), .b_len_o(ev_b_len),
    .b_resp_o(ev_b_resp), .b_addr_o(ev_b_addr), .ch_busy_o(ch_busy), .idle_o(wr_idle),
    .m_axi_awvalid, .m_axi_awready, .m_axi_awid, .m_axi_awaddr, .m_axi_awlen, .m_axi_awsize,
    .m_axi_awburst, .m_axi_wvalid, .m_axi_wready, .m_axi_wdata, .m_axi_wstrb, .m_axi_wlast,
    .m_axi_bready,
    .bi_valid_i(bi_valid_q), .bi_id_i(bi_id_q), .bi_resp_i(bi_resp_q),
    .pin_rvalid_i(m_axi_rvalid), .pin_rid_i(m_axi_rid), .pin_rresp_i(m_axi_rresp),
    .pin_bvalid_i(m_axi_bvalid), .pin_bid_i(m_axi_bid), .pin_bresp_i(m_axi_bresp),
    .rd_head_i(rd_head), .rd_fin_valid_i(rd_fin_valid), .rd_fin_slot_i(rd_fin_slot)
  );

  // Nothing can change without an input change: no job anywhere, no register
  // access, every channel parked (IDLE, PAUSED, ERROR, or waiting on a low
  // request line), and no AXI response arriving.
  assign quiescent = regs_idle && rd_idle && wr_idle && ch_quiet &&
                     !m_axi_rvalid && !m_axi_bvalid && !ri_valid_q && !bi_valid_q;

  // ------------------------------------------------------- cover points
  // User coverage (coverage build only, see dmac_channel): what a channel has in
  // flight when a pause or an abort arrives. Per channel, merged over the
  // channels (one counter per point).
`ifdef DMAC_COVER
  logic [NUM_CH-1:0] cov_pause_prev_q;
  always_ff @(posedge clk) begin
    if (!rst_n) cov_pause_prev_q <= '0;
    else        cov_pause_prev_q <= r_pause;
  end
  for (genvar c = 0; c < NUM_CH; c++) begin : g_cov
    logic rd_desc, rd_data, wr_only, pause_rise;
    always_comb begin
      rd_desc = 1'b0;
      rd_data = 1'b0;
      for (int i = 0; i < NUM_SLOTS; i++) begin
        if (s_valid[i] && s_ch[i] == 4'(c) && !s_rdone[i]) begin
          if (s_kind[i] == JOB_DESC) rd_desc = 1'b1;
          else                   rd_data = 1'b1;
        end
      end
    end
    assign wr_only    = ch_busy[c] && !rd_desc && !rd_data;   // only writes / write responses in flight
    assign pause_rise = r_pause[c] && !cov_pause_prev_q[c];
    cov_abort_desc_fetch: cover property (@(posedge clk) rst_n && r_abort[c] && rd_desc);
    cov_abort_reads:      cover property (@(posedge clk) rst_n && r_abort[c] && rd_data);
    cov_abort_writes:     cover property (@(posedge clk) rst_n && r_abort[c] && wr_only);
    cov_pause_desc_fetch: cover property (@(posedge clk) rst_n && pause_rise && rd_desc);
    cov_pause_reads:      cover property (@(posedge clk) rst_n && pause_rise && rd_data);
    cov_pause_writes:     cover property (@(posedge clk) rst_n && pause_rise && wr_only);
    cov_kill_reads:       cover property (@(posedge clk) rst_n && kill[c] && rd_data);
  end
  // Whole controller: a job held back because no read can be issued (slot,
  // AR or outstanding-read limit), several channels with jobs in flight.
  cov_reads_full:         cover property (@(posedge clk) rst_n && !can_read && |j_valid);
  cov_two_ch_busy:        cover property (@(posedge clk) rst_n && !$onehot0(ch_busy));
`endif
endmodule
