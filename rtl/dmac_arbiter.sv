// Round-robin arbiter with two priority levels.
//
// One grant per cycle at most. Requests with prio=1 beat requests with
// prio=0; inside a level the search starts just after the last channel granted
// in that level, so every ready channel gets a turn (fairness at burst
// granularity: each grant issues one burst).
module dmac_arbiter #(
  parameter int N = 8
) (
  input  logic         clk,
  input  logic         rst_n,
  input  logic [N-1:0] req,
  input  logic [N-1:0] prio,
  input  logic         enable,   // resources available: a grant may be given
  output logic [N-1:0] grant     // one-hot or zero
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
  assign hi_req = req & prio;
  assign lo_req = req & ~prio;

  always_comb begin
    grant = '0;
    if (enable) begin
      if (|hi_req) grant = rr_pick(hi_req, last_q[1]);
      else         grant = rr_pick(lo_req, last_q[0]);
    end
  end

  function automatic logic [IW-1:0] onehot_index(input logic [N-1:0] oh);
    logic [IW-1:0] r;
    r = '0;
    for (int i = 0; i < N; i++) if (oh[i]) r = IW'(i);
    return r;
  endfunction

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      last_q[0] <= IW'(N - 1);
      last_q[1] <= IW'(N - 1);
    end else if (|grant) begin
      if (|hi_req) last_q[1] <= onehot_index(grant);
      else         last_q[0] <= onehot_index(grant);
    end
  end

  // Invariant: never two grants, never a grant without a request.
  always_ff @(posedge clk) begin
    if (rst_n) begin
      assert ($onehot0(grant)) else $error("dmac_arbiter: more than one grant");
      assert ((grant & ~req) == '0) else $error("dmac_arbiter: grant without request");
    end
  end
endmodule
