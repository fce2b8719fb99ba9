// Round-robin arbiter with two priority levels.
//
// One grant per cycle at most. Requests with prio_i=1 beat requests with
// prio_i=0; inside a level the search starts just after the last channel granted
// in that level, so every ready channel gets a turn (fairness at burst
// granularity: each grant issues one burst).
module dmac_arbiter #(
  parameter int N = 8
) (
  input  logic         clk,
  input  logic         rst_n,
  input  logic [N-1:0] req_i,
  input  logic [N-1:0] prio_i,
  input  logic         enable_i,   // resources available: a grant may be given
  output logic [N-1:0] grant_o,    // one-hot or zero
  output logic [(N > 1 ? $clog2(N) : 1)-1:0] grant_idx_o   // its index (0 without a grant)
);
  localparam int IW = (N > 1) ? $clog2(N) : 1;

  // Last granted index per level; the search begins at last+1.
  logic [IW-1:0] last_q [2];

  // Pick the first requester in `mask` at or after last+1 (circular).
  function automatic logic [N-1:0] rr_pick(input logic [N-1:0] mask, input logic [IW-1:0] last);
    logic [N-1:0] g;
    logic         found;
    g = '0;
    found = 1'b0;
    for (int i = 1; i <= N; i++) begin
      if (!found && mask[(int'(last) + i) % N]) begin
        g[(int'(last) + i) % N] = 1'b1;
        found  = 1'b1;
      end
    end
    return g;
  endfunction

  logic [N-1:0] hi_req, lo_req;
  assign hi_req = req_i & prio_i;
  assign lo_req = req_i & ~prio_i;

  function automatic logic [IW-1:0] onehot_index(input logic [N-1:0] oh);
    logic [IW-1:0] r;
    r = '0;
    for (int i = 0; i < N; i++) if (oh[i]) r = IW'(i);
    return r;
  endfunction

  // No request (most cycles while the slots are full): no search.
  always_comb begin
    grant_o     = '0;
    grant_idx_o = '0;
    if (enable_i && req_i != '0) begin
      if (|hi_req) grant_o = rr_pick(hi_req, last_q[1]);
      else         grant_o = rr_pick(lo_req, last_q[0]);
      grant_idx_o = onehot_index(grant_o);
    end
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      last_q[0] <= IW'(N - 1);
      last_q[1] <= IW'(N - 1);
    end else if (|grant_o) begin
      if (|hi_req) last_q[1] <= grant_idx_o;
      else         last_q[0] <= grant_idx_o;
    end
  end

  // Invariant: never two grants, never a grant without a request.
  always_ff @(posedge clk) begin
    if (rst_n) begin
      assert ($onehot0(grant_o)) else $error("dmac_arbiter: more than one grant");
      assert ((grant_o & ~req_i) == '0) else $error("dmac_arbiter: grant without request");
    end
  end
  // ------------------------------------------------------- cover points
  // User coverage (coverage build only, see dmac_channel). One point per channel
  // index: points in a generate loop would share one counter, so the per-index
  // blocks are written out (up to the 16 channels NUM_CH allows).
`ifdef DMAC_COVER
  logic [N-1:0] cov_prev_grant_q;
  always_ff @(posedge clk) begin
    if (!rst_n) cov_prev_grant_q <= '0;
    else        cov_prev_grant_q <= grant_o;
  end
  if (N >  0) begin : g_cov_grant0  cov_grant: cover property (@(posedge clk) rst_n && grant_o[0]); end
  if (N >  1) begin : g_cov_grant1  cov_grant: cover property (@(posedge clk) rst_n && grant_o[1]); end
  if (N >  2) begin : g_cov_grant2  cov_grant: cover property (@(posedge clk) rst_n && grant_o[2]); end
  if (N >  3) begin : g_cov_grant3  cov_grant: cover property (@(posedge clk) rst_n && grant_o[3]); end
  if (N >  4) begin : g_cov_grant4  cov_grant: cover property (@(posedge clk) rst_n && grant_o[4]); end
  if (N >  5) begin : g_cov_grant5  cov_grant: cover property (@(posedge clk) rst_n && grant_o[5]); end
  if (N >  6) begin : g_cov_grant6  cov_grant: cover property (@(posedge clk) rst_n && grant_o[6]); end
  if (N >  7) begin : g_cov_grant7  cov_grant: cover property (@(posedge clk) rst_n && grant_o[7]); end
  if (N >  8) begin : g_cov_grant8  cov_grant: cover property (@(posedge clk) rst_n && grant_o[8]); end
  if (N >  9) begin : g_cov_grant9  cov_grant: cover property (@(posedge clk) rst_n && grant_o[9]); end
  if (N > 10) begin : g_cov_grant10  cov_grant: cover property (@(posedge clk) rst_n && grant_o[10]); end
  if (N > 11) begin : g_cov_grant11  cov_grant: cover property (@(posedge clk) rst_n && grant_o[11]); end
  if (N > 12) begin : g_cov_grant12  cov_grant: cover property (@(posedge clk) rst_n && grant_o[12]); end
  if (N > 13) begin : g_cov_grant13  cov_grant: cover property (@(posedge clk) rst_n && grant_o[13]); end
  if (N > 14) begin : g_cov_grant14  cov_grant: cover property (@(posedge clk) rst_n && grant_o[14]); end
  if (N > 15) begin : g_cov_grant15  cov_grant: cover property (@(posedge clk) rst_n && grant_o[15]); end
  // Contention: a grant while other channels wait; high priority served while
  // low-priority channels wait; two high-priority channels competing.
  cov_grant_others_wait:  cover property (@(posedge clk) rst_n && |grant_o && (req_i & ~grant_o) != '0);
  cov_hi_over_lo:         cover property (@(posedge clk) rst_n && |(grant_o & prio_i) && |lo_req);
  cov_hi_vs_hi:           cover property (@(posedge clk) rst_n && |(grant_o & prio_i) && (hi_req & ~grant_o) != '0);
  cov_lo_vs_lo:           cover property (@(posedge clk) rst_n && |(grant_o & ~prio_i) && (lo_req & ~grant_o) != '0);
  // Back-to-back grants: the same channel, different channels.
  cov_b2b_same:           cover property (@(posedge clk) rst_n && |(grant_o & cov_prev_grant_q));
  cov_b2b_other:          cover property (@(posedge clk) rst_n && |grant_o && |cov_prev_grant_q && (grant_o & cov_prev_grant_q) == '0);
  // Round robin wraps around (grant at a lower index than the last one of its level).
  cov_rr_wrap:            cover property (@(posedge clk) rst_n && |grant_o && !(|hi_req) && onehot_index(grant_o) <= last_q[0] &&
                                          (lo_req & ~grant_o) != '0);
`endif
endmodule
