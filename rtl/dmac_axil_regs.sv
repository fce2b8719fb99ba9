// AXI4-Lite register slave and register file.
//
// One access at a time per direction: a write is taken when AW and W are both
// valid and no B is pending; a read when no R is pending. Channel state lives
// in the channels; this block holds only the software-owned registers (CTRL,
// IRQ_MASK, the DOORBELL readback and the latched REMAINING snapshot) and
// turns writes into pulses.
module dmac_axil_regs
  import dmac_abi_pkg::*;
#(
  parameter int NUM_CH          = 8,
  parameter int NUM_REQ         = 16,
  parameter int DATA_W          = 64,
  parameter int MAX_BURST       = 16,
  parameter int MAX_OUTSTANDING = 8
) (
  input  logic                     clk,
  input  logic                     rst_n,
  input  logic                     s_axil_awvalid,
  output logic                     s_axil_awready,
  input  logic [15:0]              s_axil_awaddr,
  input  logic                     s_axil_wvalid,
  output logic                     s_axil_wready,
  input  logic [31:0]              s_axil_wdata,
  input  logic [3:0]               s_axil_wstrb,
  output logic                     s_axil_bvalid,
  input  logic                     s_axil_bready,
  output logic [1:0]               s_axil_bresp,
  input  logic                     s_axil_arvalid,
  output logic                     s_axil_arready,
  input  logic [15:0]              s_axil_araddr,
  output logic                     s_axil_rvalid,
  input  logic                     s_axil_rready,
  output logic [31:0]              s_axil_rdata,
  output logic [1:0]               s_axil_rresp,
  // to channels
  output logic [NUM_CH-1:0]        doorbell_o,
  output logic [31:0]              doorbell_addr_o,
  output logic [NUM_CH-1:0]        abort_req_o,
  output logic [NUM_CH-1:0]        pause_o,
  output logic [NUM_CH-1:0]        prio_o,
  output logic [NUM_CH-1:0]        wb_en_o,
  output logic [NUM_CH-1:0][2:0]  irq_clr_o,
  output logic [NUM_CH-1:0]        irq_clr_any_o,   // irq_clr_o[c] != 0 (a vector: no loop per cycle)
  // from channels
  input  logic [NUM_CH-1:0][1:0]   ch_state_i,
  input  logic [NUM_CH-1:0]        ch_aborted_i,
  input  logic [NUM_CH-1:0]        ch_wait_req_i,
  input  logic [NUM_CH-1:0]        ch_busy_err_i,
  input  logic [NUM_CH-1:0][3:0]   ch_err_code_i,
  input  logic [NUM_CH-1:0][1:0]   ch_err_resp_i,
  input  logic [NUM_CH-1:0][31:0]  ch_err_addr_i,
  input  logic [NUM_CH-1:0][31:0]  ch_cur_desc_i,
  input  logic [NUM_CH-1:0][31:0]  ch_remaining_i,
  input  logic [NUM_CH-1:0][2:0]   ch_irq_raw_i,
  input  logic [NUM_CH-1:0][31:0]  ch_tc_count_i,
  output logic                     irq,
  output logic                     idle_o        // no access in progress
);
  localparam logic [1:0] RESP_OKAY   = 2'b00;
  localparam logic [1:0] RESP_SLVERR = 2'b10;
  localparam int CHW = (NUM_CH > 1) ? $clog2(NUM_CH) : 1;

  logic [31:0] head_q [NUM_CH];
  logic [31:0] rem_snap_q [NUM_CH];
  logic [NUM_CH-1:0][2:0] irq_mask_q;
  logic [NUM_CH-1:0]       pause_q, prio_q, wb_en_q;

  // Address decode shared by both directions.
  typedef struct packed {
    logic           global_hit;
    logic           ch_hit;
    logic [CHW-1:0] ch;
    logic [5:0]     off;
  } dec_t;

  function automatic dec_t decode(input logic [15:0] addr);
    dec_t d;
    logic [15:0] rel;
    rel          = addr - 16'(DMAC_CH_BASE_OFFSET);
    d.global_hit = (addr < 16'(DMAC_CH_BASE_OFFSET));
    d.ch_hit     = !d.global_hit && (32'(rel[15:6]) < NUM_CH);
    d.ch         = CHW'(rel >> 6);
    d.off        = rel[5:0];
    return d;
  endfunction

  // A register field from the package: value placed at its SHIFT, cut to its
  // MASK (the JSON register map is the one place a field's position is set).
  function automatic logic [31:0] fld(input logic [31:0] value, input int unsigned shift, input logic [31:0] mask);
    return (value << shift) & mask;
  endfunction

  // IRQ_STATUS of every channel as one vector: the interrupt line is one AND
  // and one compare per cycle; IRQ_SUMMARY (a bit per channel) is worked out
  // on a read of it only.
  logic [NUM_CH-1:0][2:0] irq_status;
  assign irq_status = ch_irq_raw_i & irq_mask_q;
  assign irq        = irq_status != '0;
  function automatic logic [NUM_CH-1:0] irq_summary(input logic [NUM_CH-1:0][2:0] st);
    logic [NUM_CH-1:0] r;
    for (int c = 0; c < NUM_CH; c++) r[c] = st[c] != '0;
    return r;
  endfunction

  // ---------------------------------------------------------------- writes
  // A write is taken when AW and W are both valid and neither a response nor
  // a previous write's effect is pending. Its effect on the channels (pulses)
  // comes from registers, one cycle after the handshake, and the B response
  // one cycle after that: nothing in the controller depends combinationally
  // on the address or data inputs (only AWREADY/WREADY on the two VALIDs), and
  // any access issued after the B response sees the write's effect.
  logic wr_take;
  logic wr_pend_q;          // the pulses of the write just taken are out this cycle
  logic wr_pend_ok_q;
  assign wr_take        = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid && !wr_pend_q;
  assign s_axil_awready = wr_take;
  assign s_axil_wready  = wr_take;

  logic [NUM_CH-1:0]      doorbell_q, abort_q;
  logic [NUM_CH-1:0][2:0] irq_clr_q;
  logic [NUM_CH-1:0]      irq_clr_any_q;
  logic [31:0]            wdata_q;
  assign doorbell_o      = doorbell_q;
  assign abort_req_o     = abort_q;
  assign irq_clr_o       = irq_clr_q;
  assign irq_clr_any_o   = irq_clr_any_q;
  assign doorbell_addr_o = wdata_q;
  assign pause_o = pause_q;
  assign prio_o  = prio_q;
  assign wb_en_o = wb_en_q;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s_axil_bvalid <= 1'b0;
      s_axil_bresp  <= RESP_OKAY;
      head_q        <= '{default: '0};
      irq_mask_q    <= '0;
      pause_q       <= '0;
      prio_q        <= '0;
      wb_en_q       <= '0;
      wr_pend_q     <= 1'b0;
      wr_pend_ok_q  <= 1'b0;
      doorbell_q    <= '0;
      abort_q       <= '0;
      irq_clr_q     <= '0;
      irq_clr_any_q <= '0;
      wdata_q       <= '0;
    end else begin
      wr_pend_q  <= 1'b0;
      if (s_axil_bvalid && s_axil_bready) s_axil_bvalid <= 1'b0;
      // The pulses are set only with wr_take, which wr_pend_q blocks in the
      // next cycle: they are cleared in that cycle, not written every cycle.
      if (wr_pend_q) begin
        doorbell_q    <= '0;
        abort_q       <= '0;
        irq_clr_q     <= '0;
        irq_clr_any_q <= '0;
        s_axil_bvalid <= 1'b1;
        s_axil_bresp  <= wr_pend_ok_q ? RESP_OKAY : RESP_SLVERR;
      end
      if (wr_take) begin
        /* verilator lint_off UNUSEDSIGNAL */
        dec_t wd;   // global_hit is not needed: no global register is writable
        /* verilator lint_on UNUSEDSIGNAL */
        logic wr_ok;
        wd    = decode(s_axil_awaddr);
        wr_ok = 1'b0;
        if (s_axil_wstrb == 4'hF && s_axil_awaddr[1:0] == 2'b00 && wd.ch_hit) begin
          unique case (wd.off)
            DMAC_CH_DOORBELL, DMAC_CH_CTRL, DMAC_CH_IRQ_MASK, DMAC_CH_IRQ_STATUS: wr_ok = 1'b1;
            default: wr_ok = 1'b0;
          endcase
        end
        wr_pend_q    <= 1'b1;
        wr_pend_ok_q <= wr_ok;
        wdata_q      <= s_axil_wdata;
        if (wr_ok) begin
          unique case (wd.off)
            DMAC_CH_DOORBELL: begin
              head_q[wd.ch]     <= s_axil_wdata;
              doorbell_q[wd.ch] <= 1'b1;
            end
            DMAC_CH_CTRL: begin
              pause_q[wd.ch] <= s_axil_wdata[DMAC_CH_CTRL_PAUSE_SHIFT];
              prio_q[wd.ch]  <= s_axil_wdata[DMAC_CH_CTRL_PRIO_SHIFT];
              wb_en_q[wd.ch] <= s_axil_wdata[DMAC_CH_CTRL_WB_EN_SHIFT];
              abort_q[wd.ch] <= s_axil_wdata[DMAC_CH_CTRL_ABORT_SHIFT];
            end
            DMAC_CH_IRQ_MASK: irq_mask_q[wd.ch] <= s_axil_wdata[2:0];
            DMAC_CH_IRQ_STATUS: begin
              irq_clr_q[wd.ch]     <= s_axil_wdata[2:0];
              irq_clr_any_q[wd.ch] <= s_axil_wdata[2:0] != '0;
            end
            default: ;
          endcase
        end
      end
    end
  end

  // ----------------------------------------------------------------- reads
  // The read mux is evaluated at the clock edge only (inside the clocked
  // block): ARADDR feeds nothing combinationally.
  logic rd_take;
  assign rd_take        = s_axil_arvalid && !s_axil_rvalid;
  assign s_axil_arready = !s_axil_rvalid;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s_axil_rvalid <= 1'b0;
      s_axil_rdata  <= '0;
      s_axil_rresp  <= RESP_OKAY;
      rem_snap_q    <= '{default: '0};
    end else begin
      if (s_axil_rvalid && s_axil_rready) s_axil_rvalid <= 1'b0;
      if (rd_take) begin
        dec_t        rdd;
        logic        rd_ok;
        logic [31:0] rd_val;
        rdd    = decode(s_axil_araddr);
        rd_ok  = 1'b0;
        rd_val = '0;
        if (s_axil_araddr[1:0] == 2'b00) begin
          if (rdd.global_hit) begin
            rd_ok = 1'b1;
            unique case (s_axil_araddr)
              DMAC_ID:          rd_val = DMAC_ID_VALUE;
              DMAC_VERSION:     rd_val = DMAC_VERSION_VALUE;
              DMAC_CAPS0:       rd_val = fld(NUM_CH, DMAC_CAPS0_NUM_CH_SHIFT, DMAC_CAPS0_NUM_CH_MASK) |
                                         fld(NUM_REQ, DMAC_CAPS0_NUM_REQ_SHIFT, DMAC_CAPS0_NUM_REQ_MASK) |
                                         fld(DATA_W / 8, DMAC_CAPS0_DATA_BYTES_SHIFT, DMAC_CAPS0_DATA_BYTES_MASK);
              DMAC_CAPS1:       rd_val = fld(MAX_BURST, DMAC_CAPS1_MAX_BURST_SHIFT, DMAC_CAPS1_MAX_BURST_MASK) |
                                         fld(MAX_OUTSTANDING, DMAC_CAPS1_MAX_OUTSTANDING_SHIFT,
                                             DMAC_CAPS1_MAX_OUTSTANDING_MASK);
              DMAC_IRQ_SUMMARY: rd_val = 32'(irq_summary(irq_status));
              default:          rd_ok  = 1'b0;
            endcase
          end else if (rdd.ch_hit) begin
            rd_ok = 1'b1;
            unique case (rdd.off)
              DMAC_CH_DOORBELL:   rd_val = head_q[rdd.ch];
              // CTRL.ABORT reads as 0 (a write-only pulse).
              DMAC_CH_CTRL:       rd_val = fld(32'(pause_q[rdd.ch]), DMAC_CH_CTRL_PAUSE_SHIFT, DMAC_CH_CTRL_PAUSE_MASK) |
                                           fld(32'(prio_q[rdd.ch]), DMAC_CH_CTRL_PRIO_SHIFT, DMAC_CH_CTRL_PRIO_MASK) |
                                           fld(32'(wb_en_q[rdd.ch]), DMAC_CH_CTRL_WB_EN_SHIFT, DMAC_CH_CTRL_WB_EN_MASK);
              DMAC_CH_STATUS:     rd_val = fld(32'(ch_state_i[rdd.ch]), DMAC_CH_STATUS_STATE_SHIFT, DMAC_CH_STATUS_STATE_MASK) |
                                           fld(32'(ch_aborted_i[rdd.ch]), DMAC_CH_STATUS_ABORTED_SHIFT,
                                               DMAC_CH_STATUS_ABORTED_MASK) |
                                           fld(32'(ch_wait_req_i[rdd.ch]), DMAC_CH_STATUS_WAIT_REQ_SHIFT,
                                               DMAC_CH_STATUS_WAIT_REQ_MASK) |
                                           fld(32'(ch_busy_err_i[rdd.ch]), DMAC_CH_STATUS_BUSY_ERR_SHIFT,
                                               DMAC_CH_STATUS_BUSY_ERR_MASK) |
                                           fld(32'(ch_err_code_i[rdd.ch]), DMAC_CH_STATUS_ERR_CODE_SHIFT,
                                               DMAC_CH_STATUS_ERR_CODE_MASK) |
                                           fld(32'(ch_err_resp_i[rdd.ch]), DMAC_CH_STATUS_ERR_RESP_SHIFT,
                                               DMAC_CH_STATUS_ERR_RESP_MASK);
              DMAC_CH_ERR_ADDR:   rd_val = ch_err_addr_i[rdd.ch];
              DMAC_CH_CUR_DESC:   rd_val = ch_cur_desc_i[rdd.ch];
              DMAC_CH_REMAINING:  rd_val = rem_snap_q[rdd.ch];
              DMAC_CH_IRQ_RAW:    rd_val = 32'(ch_irq_raw_i[rdd.ch]);
              DMAC_CH_IRQ_MASK:   rd_val = 32'(irq_mask_q[rdd.ch]);
              DMAC_CH_IRQ_STATUS: rd_val = 32'(irq_status[rdd.ch]);
              DMAC_CH_TC_COUNT:   rd_val = ch_tc_count_i[rdd.ch];
              default:            rd_ok  = 1'b0;
            endcase
          end
        end
        s_axil_rvalid <= 1'b1;
        s_axil_rdata  <= rd_ok ? rd_val : 32'd0;
        s_axil_rresp  <= rd_ok ? RESP_OKAY : RESP_SLVERR;
        // CUR_DESC and REMAINING form one snapshot, taken in the same cycle.
        if (rd_ok && rdd.ch_hit && rdd.off == DMAC_CH_CUR_DESC) rem_snap_q[rdd.ch] <= ch_remaining_i[rdd.ch];
      end
    end
  end

  assign idle_o = !s_axil_bvalid && !s_axil_rvalid && !wr_pend_q && !s_axil_awvalid && !s_axil_wvalid && !s_axil_arvalid;

  logic unused_ok;
  assign unused_ok = ^{s_axil_wdata};
endmodule
