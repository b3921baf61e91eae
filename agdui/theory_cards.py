"""The Theory page's formula cards: title, grade, LaTeX, a one-line note, and the anchor of the
section of docs/theory.md that derives or sources the formula (None: covered by the card above)."""

from agdcore.bound_info import BOUND_INFO as B

# (title, grade, LaTeX, source and caveats, anchor in docs/theory.md)
CARDS = {
    "Problem and algorithm": [
        (
            "Objective",
            "V",
            r"\min_{X\in\mathbb{R}^{m\times d},\,Y\in\mathbb{R}^{n\times d}} f(X,Y)=\tfrac12\|XY^\top-A\|_F^2,"
            r"\qquad \operatorname{rank}A=r\le d",
            "Ward & Kolda, abstract and intro (v2: d ≥ r; v1 had d > r).",
            "objective",
        ),
        (
            "ε-optimality and the dashboard's error",
            "V",
            r"\|A-X_TY_T^\top\|_F^2\le\varepsilon\|A\|_F^2,\qquad "
            r"e_t=\frac{\|A-X_tY_t^\top\|_F^2}{\|A\|_F^2},\qquad \kappa=\frac{\sigma_1(A)}{\sigma_r(A)}",
            "Abstract (v2 / NeurIPS).",
            None,
        ),
        (
            "AGD update (the paper's Assumption 1)",
            "U",
            r"X_{t+1}=X_t+\eta\,(A-X_tY_t^\top)\,Y_t,\qquad "
            r"Y_{t+1}=Y_t+\eta\,(A-X_{t+1}Y_t^\top)^\top X_{t+1}",
            "Fixed step η; the second half-step uses the first one's result — the prose calls the update alternating [V]. "
            "Its formulas (A1a–b) were lost from the stored text, so which factor moves first is not in it [U]: X first is "
            "the product's choice. The formulas themselves are the standard gradients [D].",
            "agd-update",
        ),
        (
            "Residual recursion",
            "D",
            r"R_{t+1}=(I_m-\eta X_{t+1}X_{t+1}^\top)\,R_t\,(I_n-\eta Y_tY_t^\top),\qquad R_t=A-X_tY_t^\top",
            "One line of algebra, exact for any init. Simultaneous GD adds a cross term η²RYXᵀR.",
            "residual-recursion",
        ),
    ],
    "Initialization (the paper's Assumption 2)": [
        (
            "Unbalanced random init (A2a)",
            "U",
            r"X_0=\frac{1}{\sqrt{\eta}\,C\,\sigma_1(A)}\,A\Phi_1,\qquad Y_0=\sqrt{\eta}\,D\,\sigma_1(A)\,\Phi_2,"
            r"\qquad \Phi_1\sim\mathcal N(0,\tfrac1d)^{n\times d},\ \Phi_2\sim\mathcal N(0,\tfrac1n)^{n\times d}",
            "An 'unbalanced' start with X₀ inside col(A), rescaled by the step — the paper's prose [V]; X₀ large and Y₀ small "
            "as a follow-up paper by Ward and co-authors puts it [S]. The exact scalings and variances are a "
            "reconstruction [U], supported by the verified v2 factor d/(√d−√(r−1))².",
            "wk-init",
        ),
        (
            "Constants used in this dashboard",
            "S",
            r"C=8,\quad \nu=\tfrac12,\quad D=\frac{C\nu}{9},\quad \eta=\frac{9}{4C\nu\,\sigma_1(A)}",
            "From a third-party implementation (ward_and_kolda_init) [S]; that they are the paper's is unconfirmed [U]. "
            "η = 9/(4Cνσ₁) is the product's default step: the largest step of the assumptions as that code reads them, "
            "not the ε-dependent step of the paper's guarantee (Cor. 5.2, Eq. (8)), which is far smaller. "
            "Note η ∝ 1/σ₁(A), not 1/σ₁².",
            "step-range",
        ),
        (
            "ρ (A2b)",
            "U",
            r"\rho=\nu\,\frac{\sqrt d-\sqrt{r-1}}{\sqrt d}\ \le\ \sigma_r(V^\top\Phi_1)\ \text{with probability}\ \ge 1-\delta",
            "Form reconstructed [U]; as the quantity the proof needs it is derived [D].",
            "rho",
        ),
        (
            "δ (A2d)",
            "U",
            r"\delta=(C_1\nu)^{d-r+1}+e^{-C_2 d}\ (+\ \text{Gaussian upper-tail terms})",
            "C₁, C₂ are the universal constants of the paper's Prop. A.1 [V] — read as Rudelson–Vershynin's small-ball "
            "constants, which are not explicit [U]. Below we estimate the lower-tail event "
            "P[σ_r(VᵀΦ₁) < ρ] by Monte Carlo instead of inventing C₁, C₂.",
            "delta",
        ),
    ],
    "Rates and iteration complexity": [
        (
            "Paper, v2 / NeurIPS headline",
            "V",
            B["paper_T"].latex,
            "Introduction of arXiv v2. C is an absolute constant whose value is not in the retrievable text.",
            "paper-headline",
        ),
        (
            "Paper, v1 headline",
            "V",
            B["paper_T_v1"].latex,
            "Introduction of arXiv v1 (d > r). v2 replaced the factor.",
            None,
        ),
        (
            "A-priori rate",
            "D",
            B["a_priori"].latex,
            "Derived with probability ≥ 1 − δ for η below an explicit threshold. Not the rate of the paper's Theorem 5.1.",
            "a-priori-bound",
        ),
        (
            "Iterations T(ε)",
            "D",
            B["T_a_priori"].latex + r"\ \le\ \frac{C^2}{2(1-\theta)^2\nu^2}\,"
            r"\frac{d}{(\sqrt d-\sqrt{r-1})^2}\,\kappa^2\log\frac{e_0}{\varepsilon}+1",
            "The right side has exactly the paper's v2 shape with C′ = C²/(2(1−θ)²ν²) — consistent with, not equal to, the "
            "paper's theorem.",
            "iterations-bound",
        ),
        (
            "Live bound",
            "D",
            B["live_bound"].latex,
            "Exact consequence of the residual recursion when X_t stays in col(A); drawn live on the Explore page.",
            "live-bound",
        ),
        (
            "Frozen-X limit (η → 0)",
            "D",
            r"e_t\approx e_0\Big(1-\frac{\sigma_r^2(A\Phi_1)}{C^2\sigma_1^2(A)}\Big)^{2t}",
            "X stays at X₀ and AGD becomes GD on least squares in Y: sharp for tiny steps, pessimistic at practical ones.",
            "frozen-x",
        ),
        (
            "Certificate on this draw",
            "D",
            r"b_X\le1,\ \ Y^{\ast2}\le2,\ \ Y^\ast\Sigma\le\theta a_0\ \Longrightarrow\ e_t\le e_0(1-a^2)^{2t}\ \ \forall t",
            "A sufficient condition of our own, very conservative: it decides the 'Covered by a guarantee' line of each run.",
            "certificate",
        ),
        (
            "X stays in the column span of A",
            "D",
            r"\operatorname{col}(X_0)\subseteq\operatorname{col}(A)\ \Longrightarrow\ \operatorname{col}(X_t),\ \operatorname{col}(R_t)\subseteq\operatorname{col}(A)\quad\forall t",
            "Why d − r singular values of X stay at round-off level with the Ward–Kolda init (the paper's Lemma 4.5).",
            "column-span",
        ),
        (
            "Eckart–Young floor",
            "D",
            B["floor"].latex,
            "A theorem of linear algebra (Eckart–Young–Mirsky), labelled exact on the charts: no width-d run goes below it.",
            "floor",
        ),
    ],
    "Peers": [
        (
            "Jiang, Chen & Ding 2022 (JCD22), GD from small random init",
            "V",
            B["jcd_T"].latex,
            "As quoted in Ward & Kolda's v1 introduction, with their footnote that the results are \"not precisely directly "
            'comparable" (GD vs AGD, ε-approximate rank-r approximation).',
            "jcd",
        ),
        (
            "Ye & Du 2021, GD from small Gaussian init (Thm 1.1)",
            "S",
            r"T=O\Big(\frac{1}{\eta\sigma_r}\ln\frac{r\sigma_r}{\epsilon}+\frac{1}{\eta\sigma_r}\ln\frac{\sigma_r}{\delta}\Big),"
            r"\quad \epsilon=\tilde O\Big(\frac{\sigma_r}{\sqrt{r\sigma_1}(m+n)}\Big),\quad \eta=O\Big(\frac{\sigma_r\epsilon^2}{r\sigma_1^3}\Big)",
            "Read in the NeurIPS submission text (their rank d is our r; ε is the init scale, δ the loss target). "
            'The abstract [V] says only "polynomial rate"; camera-ready constants unverified.',
            "ye-du",
        ),
        (
            "Ye & Du 2021, gradient flow (Cor. 1.2)",
            "S",
            r"t=O\Big(\frac{1}{\sigma_r}\ln\frac{r\sigma_r}{\epsilon}+\frac{1}{\sigma_r}\ln\frac{\sigma_r}{\delta}\Big)\ \ \text{(time, not iterations)}",
            "Submission text. The full-rank gradient-flow note's own rate (three stages, a κ/σ_d·ln(κd) warm-up term) is "
            "garbled in our copy [U].",
            None,
        ),
        (
            "Local rates at a balanced optimum",
            "D",
            B["local_gd"].latex.replace("e_{t+1}/e_t \\to", r"\text{GD: }")
            + r",\quad \text{ScaledGD: }\max(|1-2\eta|,|1-\eta|)^2,\quad \text{PrecGD: }(1-\eta)^2",
            "Linearizations, checked against measured rates; the theory check's q_local.",
            "local-rates",
        ),
        (
            "Balancedness",
            "D",
            r"\tfrac{d}{dt}(X^\top X-Y^\top Y)=0\ \text{(flow)},\qquad "
            r"\Delta(X^\top X-Y^\top Y)=\eta^2(Y^\top R^\top RY-X^\top RR^\top X)\ \text{(GD)}",
            "Conservation under the flow is cited by Ye & Du [S]; the GD drift is derived [D]. Explore plots ‖XᵀX − YᵀY‖_F.",
            "balancedness",
        ),
        (
            "Nyström start + ScaledGD",
            "D",
            r"X_0=A\Omega,\ Y_0=0\ \Longrightarrow\ X_1Y_1^\top=\eta A",
            "Exact after one step at η = 1; the paper's quadratic-convergence claim is abstract only [A].",
            "nystrom",
        ),
        (
            "PrecGD / ScaledGD(λ)",
            "A",
            r"X^+=X+\eta RY(Y^\top Y+\lambda I)^{-1},\quad Y^+=Y+\eta R^\top X(X^\top X+\lambda I)^{-1}",
            "The papers' claims are abstract only [A]; this asymmetric form is our adaptation [U].",
            "precgd",
        ),
        (
            "Feedback alignment",
            "A",
            r"X^+=X+\eta RY,\qquad Y^+=Y+\eta R^\top B^\top,\quad B\ \text{fixed, random}",
            "Garg & Vempala's claims are abstract only [A]; the update is the standard rule [U].",
            "feedback-alignment",
        ),
    ],
    "Completion and sensing": [
        (
            "Weighted objective, no Ward–Kolda bound",
            "D",
            r"f_w=\tfrac w2\|\mathcal A(XY^\top)-b\|^2,\ \ w=\tfrac{1}{\hat p}\ \text{(completion)},\ w=1\ \text{(sensing)};"
            r"\quad \dim\{\operatorname{rank}=r\}=r(m+n-r)",
            "Completion at p = 1 is the fully observed problem; none of the bounds above applies to these problems.",
            "completion-sensing",
        ),
    ],
}
