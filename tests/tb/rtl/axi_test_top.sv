// Bridge test device: an AXI4-Lite register block plus a scripted AXI4 manager,
// with the same port names as dmac_top so the platform's RTL host drives it
// unchanged. Software queues burst commands (address, length, size, burst type,
// read/write), then GO issues them all back to back: reads do not wait for
// earlier responses, so several are outstanding. Write data is a function of
// the byte address, (addr + PATTERN) & 0xFF, so a test can check every byte.
//
// Registers: 0x000 ID (RO 0x7E57A100) | 0x004 SCRATCH | 0x008 CONST (RO; write
// -> SLVERR) | 0x010 CMD_ADDR | 0x014 CMD_LEN (AxLEN) | 0x018 CMD_SIZE |
// 0x01C CMD_BURST | 0x020 CMD_PUSH (WO: bit0 1=write 0=read) | 0x024 GO (WO) |
// 0x028 STATUS [7:0] read bursts done [15:8] write bursts done [23:16] error
// responses [24] busy | 0x02C PATTERN | 0x030 IRQ_EN | 0x034 IRQ_ACK (WO) |
// 0x038 MAX_READS_OUTSTANDING (RO) | 0x100 + 8*i, +4: read beat i data low/high
// (64 beats) | anything else -> DECERR.
module axi_test_top (
    input  logic        clk,
    input  logic        rst_n,
    input  logic        s_axil_awvalid,
    output logic        s_axil_awready,
    input  logic [15:0] s_axil_awaddr,
    input  logic        s_axil_wvalid,
    output logic        s_axil_wready,
    input  logic [31:0] s_axil_wdata,
    input  logic [3:0]  s_axil_wstrb,
    output logic        s_axil_bvalid,
    input  logic        s_axil_bready,
    output logic [1:0]  s_axil_bresp,
    input  logic        s_axil_arvalid,
    output logic        s_axil_arready,
    input  logic [15:0] s_axil_araddr,
    output logic        s_axil_rvalid,
    input  logic        s_axil_rready,
    output logic [31:0] s_axil_rdata,
    output logic [1:0]  s_axil_rresp,
    output logic        m_axi_awvalid,
    input  logic        m_axi_awready,
    output logic [3:0]  m_axi_awid,
    output logic [31:0] m_axi_awaddr,
    output logic [7:0]  m_axi_awlen,
    output logic [2:0]  m_axi_awsize,
    output logic [1:0]  m_axi_awburst,
    output logic        m_axi_wvalid,
    input  logic        m_axi_wready,
    output logic [63:0] m_axi_wdata,
    output logic [7:0]  m_axi_wstrb,
    output logic        m_axi_wlast,
    input  logic        m_axi_bvalid,
    output logic        m_axi_bready,
    input  logic [3:0]  m_axi_bid,
    input  logic [1:0]  m_axi_bresp,
    output logic        m_axi_arvalid,
    input  logic        m_axi_arready,
    output logic [3:0]  m_axi_arid,
    output logic [31:0] m_axi_araddr,
    output logic [7:0]  m_axi_arlen,
    output logic [2:0]  m_axi_arsize,
    output logic [1:0]  m_axi_arburst,
    input  logic        m_axi_rvalid,
    output logic        m_axi_rready,
    input  logic [3:0]  m_axi_rid,
    input  logic [63:0] m_axi_rdata,
    input  logic [1:0]  m_axi_rresp,
    input  logic        m_axi_rlast,
    output logic        irq,
    input  logic [15:0] dreq_burst,
    input  logic [15:0] dreq_single,
    input  logic [15:0] dreq_last_burst,
    input  logic [15:0] dreq_last_single,
    output logic [15:0] dclr,
    output logic [15:0] dtc,
    output logic        quiescent
);
  // Command queue: {write, burst, size, len, addr}
  typedef struct packed {
    logic        write;
    logic [1:0]  burst;
    logic [2:0]  size;
    logic [7:0]  len;
    logic [31:0] addr;
  } cmd_t;

  cmd_t        cmdq[16];
  logic [4:0]  cmd_count, cmd_issue;
  cmd_t        wq[16];           // writes whose AW went out, waiting to send data
  logic [4:0]  wq_head, wq_tail;
  logic        running;
  logic [31:0] r_addr, r_len, r_size, r_burst, r_pattern, scratch;
  logic        irq_en, done_flag;
  logic [7:0]  reads_done, writes_done, errors;
  logic [7:0]  reads_out, reads_out_max, reads_issued;
  logic [63:0] capture[64];
  logic [7:0]  outstanding_writes;
  logic [6:0]  cap_count;

  // ---------------- AXI4-Lite register block ----------------
  logic        aw_seen, w_seen;
  logic [15:0] aw_addr;
  logic [31:0] w_data;
  assign s_axil_awready = !aw_seen && !s_axil_bvalid;
  assign s_axil_wready  = !w_seen && !s_axil_bvalid;
  assign s_axil_arready = !s_axil_rvalid;

  wire do_write = aw_seen && w_seen && !s_axil_bvalid;
  wire cmd_push = do_write && aw_addr == 16'h020;

  function automatic logic [1:0] write_resp(input logic [15:0] a);
    case (a)
      16'h004, 16'h010, 16'h014, 16'h018, 16'h01C, 16'h020, 16'h024, 16'h02C, 16'h030, 16'h034: return 2'b00;
      16'h000, 16'h008, 16'h028, 16'h038: return 2'b10;  // read-only: SLVERR
      default: return (a >= 16'h100 && a < 16'h300) ? 2'b10 : 2'b11;
    endcase
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_seen <= 0; w_seen <= 0; s_axil_bvalid <= 0; s_axil_bresp <= 0;
      s_axil_rvalid <= 0; s_axil_rdata <= 0; s_axil_rresp <= 0;
      scratch <= 0; r_addr <= 0; r_len <= 0; r_size <= 0; r_burst <= 0; r_pattern <= 0; irq_en <= 0;
    end else begin
      if (s_axil_awvalid && s_axil_awready) begin aw_seen <= 1; aw_addr <= s_axil_awaddr; end
      if (s_axil_wvalid && s_axil_wready) begin w_seen <= 1; w_data <= s_axil_wdata; end
      if (do_write) begin
        aw_seen <= 0; w_seen <= 0; s_axil_bvalid <= 1; s_axil_bresp <= write_resp(aw_addr);
        case (aw_addr)
          16'h004: scratch <= w_data;
          16'h010: r_addr <= w_data;
          16'h014: r_len <= w_data;
          16'h018: r_size <= w_data;
          16'h01C: r_burst <= w_data;
          16'h02C: r_pattern <= w_data;
          16'h030: irq_en <= w_data[0];
          default: ;
        endcase
      end
      if (s_axil_bvalid && s_axil_bready) s_axil_bvalid <= 0;
      if (s_axil_arvalid && s_axil_arready) begin
        s_axil_rvalid <= 1;
        s_axil_rresp <= 2'b00;
        case (s_axil_araddr)
          16'h000: s_axil_rdata <= 32'h7E57_A100;
          16'h004: s_axil_rdata <= scratch;
          16'h008: s_axil_rdata <= 32'hC0FF_EE00;
          16'h010: s_axil_rdata <= r_addr;
          16'h014: s_axil_rdata <= r_len;
          16'h018: s_axil_rdata <= r_size;
          16'h01C: s_axil_rdata <= r_burst;
          16'h028: s_axil_rdata <= {7'd0, running, errors, writes_done, reads_done};
          16'h02C: s_axil_rdata <= r_pattern;
          16'h030: s_axil_rdata <= {31'd0, irq_en};
          16'h038: s_axil_rdata <= {24'd0, reads_out_max};
          default:
            if (s_axil_araddr >= 16'h100 && s_axil_araddr < 16'h300)
              s_axil_rdata <= s_axil_araddr[2] ? capture[s_axil_araddr[8:3] - 6'd32][63:32]
                                               : capture[s_axil_araddr[8:3] - 6'd32][31:0];
            else begin
              s_axil_rdata <= 32'h0;
              s_axil_rresp <= 2'b11;
            end
        endcase
      end
      if (s_axil_rvalid && s_axil_rready) s_axil_rvalid <= 0;
    end
  end

  // ---------------- AXI4 manager ----------------
  cmd_t cur;
  assign cur = cmdq[cmd_issue[3:0]];
  wire have_cmd = running && cmd_issue < cmd_count;
  wire ar_fire = m_axi_arvalid && m_axi_arready;
  wire aw_fire = m_axi_awvalid && m_axi_awready;
  wire w_fire = m_axi_wvalid && m_axi_wready;
  wire r_fire = m_axi_rvalid && m_axi_rready;
  wire b_fire = m_axi_bvalid && m_axi_bready;

  assign m_axi_arid = 4'd1;
  assign m_axi_awid = 4'd2;
  assign m_axi_rready = 1'b1;
  assign m_axi_bready = 1'b1;

  // Write data engine state (head of wq).
  cmd_t        wcur;
  logic [7:0]  wbeat;
  logic [31:0] waddr;   // address of beats after the first
  assign wcur = wq[wq_head[3:0]];
  wire         w_active = wq_head != wq_tail;
  wire [3:0]   wbytes = 4'd1 << wcur.size;
  wire [31:0]  beat_addr = (wbeat == 0) ? wcur.addr : waddr;
  wire [31:0]  wbase = beat_addr & ~32'h7;
  wire [3:0]   lane_lo = {1'b0, beat_addr[2:0]};
  wire [3:0]   lane_hi = ({1'b0, beat_addr[2:0]} & ~(wbytes - 4'd1)) + wbytes;

  always_comb begin
    for (int l = 0; l < 8; l++) begin
      m_axi_wstrb[l] = (4'(l) >= lane_lo) && (4'(l) < lane_hi);
      m_axi_wdata[8*l +: 8] = 8'(wbase + 32'(l) + r_pattern);
    end
  end
  assign m_axi_wvalid = w_active;
  assign m_axi_wlast = w_active && wbeat == wcur.len;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cmd_count <= 0; cmd_issue <= 0; running <= 0; wq_head <= 0; wq_tail <= 0;
      m_axi_arvalid <= 0; m_axi_awvalid <= 0; m_axi_araddr <= 0; m_axi_awaddr <= 0;
      m_axi_arlen <= 0; m_axi_awlen <= 0; m_axi_arsize <= 0; m_axi_awsize <= 0;
      m_axi_arburst <= 0; m_axi_awburst <= 0; wbeat <= 0; waddr <= 0;
      reads_done <= 0; writes_done <= 0; errors <= 0; reads_out <= 0; reads_out_max <= 0;
      reads_issued <= 0; cap_count <= 0; done_flag <= 0;
    end else begin
      if (cmd_push && !running && cmd_count < 5'd16) begin
        cmdq[cmd_count[3:0]] <= '{write: w_data[0], burst: r_burst[1:0], size: r_size[2:0], len: r_len[7:0], addr: r_addr};
        cmd_count <= cmd_count + 5'd1;
      end
      if (do_write && aw_addr == 16'h024) begin
        running <= 1; cmd_issue <= 0; reads_done <= 0; writes_done <= 0; cap_count <= 0;
        reads_out_max <= 0;
      end
      if (do_write && aw_addr == 16'h034) done_flag <= 0;

      if (ar_fire) m_axi_arvalid <= 0;
      if (aw_fire) m_axi_awvalid <= 0;
      // Issue the next command once the previous address handshake is done.
      if (have_cmd && !(m_axi_arvalid && !ar_fire) && !(m_axi_awvalid && !aw_fire)) begin
        if (cur.write) begin
          if (wq_tail - wq_head < 5'd16) begin
            m_axi_awvalid <= 1; m_axi_awaddr <= cur.addr; m_axi_awlen <= cur.len;
            m_axi_awsize <= cur.size; m_axi_awburst <= cur.burst;
            wq[wq_tail[3:0]] <= cur;
            wq_tail <= wq_tail + 5'd1;
            cmd_issue <= cmd_issue + 5'd1;
          end
        end else begin
          m_axi_arvalid <= 1; m_axi_araddr <= cur.addr; m_axi_arlen <= cur.len;
          m_axi_arsize <= cur.size; m_axi_arburst <= cur.burst;
          cmd_issue <= cmd_issue + 5'd1;
        end
      end

      // Write data beats.
      if (w_fire) begin
        if (m_axi_wlast) begin
          wbeat <= 0;
          wq_head <= wq_head + 5'd1;
        end else begin
          wbeat <= wbeat + 8'd1;
          waddr <= (wcur.burst == 2'b01) ? (beat_addr & ~(32'(wbytes) - 32'd1)) + 32'(wbytes) : beat_addr;
        end
      end

      // Outstanding read bookkeeping and capture.
      begin
        logic [7:0] out_next;
        out_next = reads_out + (ar_fire ? 8'd1 : 8'd0) - ((r_fire && m_axi_rlast) ? 8'd1 : 8'd0);
        reads_out <= out_next;
        if (out_next > reads_out_max) reads_out_max <= out_next;
      end
      if (ar_fire) reads_issued <= reads_issued + 8'd1;
      if (r_fire) begin
        if (cap_count < 7'd64) begin
          capture[cap_count[5:0]] <= m_axi_rdata;
          cap_count <= cap_count + 7'd1;
        end
        if (m_axi_rlast) reads_done <= reads_done + 8'd1;
      end
      if (b_fire) writes_done <= writes_done + 8'd1;
      errors <= errors + 8'(r_fire && m_axi_rresp != 2'b00) + 8'(b_fire && m_axi_bresp != 2'b00);
      if (running && cmd_issue == cmd_count && !m_axi_arvalid && !m_axi_awvalid && !w_active && reads_out == 0 &&
          !(ar_fire) && outstanding_writes == 0) begin
        running <= 0;
        cmd_count <= 0;
        done_flag <= 1;
      end
    end
  end

  // Writes whose response has not come back.
  always_ff @(posedge clk) begin
    if (!rst_n) outstanding_writes <= 0;
    else outstanding_writes <= outstanding_writes + (aw_fire ? 8'd1 : 8'd0) - (b_fire ? 8'd1 : 8'd0);
  end

  assign irq = irq_en && done_flag;
  assign dclr = '0;
  assign dtc = '0;
  assign quiescent = !running && !aw_seen && !w_seen && !s_axil_bvalid && !s_axil_rvalid;

  wire unused = &{1'b0, dreq_burst, dreq_single, dreq_last_burst, dreq_last_single, m_axi_bid, m_axi_rid,
                  s_axil_wstrb, reads_issued, wcur.write};
endmodule
