"""Compare: two to six configurations on the same A with the same seeds, K trials each."""

import streamlit as st

from agdcore import plots
from agdui import compare_run as R
from agdui import compare_view as V
from agdui import ensure_router, live, style, urlstate
from agdui import settings as S

PREFIX = R.PREFIX

ensure_router()
style.apply_style()
urlstate.init_state(R.PARAMS, PREFIX)
V.sidebar()
st.title("Compare")
st.markdown(
    r"Each configuration runs $K$ times on the **same** $A$ with the **same** seeds $0,\dots,K-1$; "
    r"curves show the median of $e_t=\|A-X_tY_t^\top\|_F^2/\|A\|_F^2$ and the interquartile band."
)
errors_slot = st.container()
V.settings_form()
values = urlstate.current_values(R.PARAMS, PREFIX)
urlstate.sync_url(R.PARAMS, PREFIX, values)
for msg in urlstate.url_errors(R.PARAMS, PREFIX):
    errors_slot.error(msg, icon=":material/link_off:")

try:
    problem = S.build_problem({**values, "source": "synthetic"})
except ValueError as exc:
    st.error(f"Matrix settings: {exc}", icon=":material/error:")
    st.stop()

configs = R.configs(values)
K = int(values["trials"])
if K * int(values["max_iter"]) > R.MAX_TRIAL_ITERATIONS:
    st.error(
        f"Trials K × max iterations = {K:,} × {int(values['max_iter']):,} is over the limit of "
        f"{R.MAX_TRIAL_ITERATIONS:,} per configuration (every trial keeps its whole error curve); "
        "lower 'trials' or 'max_iter'.",
        icon=":material/error:",
    )
    st.stop()
pkey = S.problem_key({**values, "source": "synthetic"})
ids = [live.run_key({"problem": pkey, "K": K, **R.trial_kwargs(c, values)}) for c in configs]
run_id = live.run_key({"ids": ids})
progress_slot = st.container()
chart_slot = st.empty()

runs, missing = [], []
if live.stop_requested(PREFIX, run_id):
    for c, cid in zip(configs, ids):
        tr = live.cache_get("trials", cid)
        runs.append((c["label"], tr)) if tr is not None else missing.append(c["label"])
    if st.button("Run to the end", key=f"{PREFIX}_resume", icon=":material/replay:"):
        live.clear_stop(PREFIX)
        st.rerun()
else:
    live.clear_stop(PREFIX)
    lv = live.LiveRun(PREFIX, run_id, label="Comparing", where=progress_slot, show_after=0.3)
    try:
        for j, (c, cid) in enumerate(zip(configs, ids)):
            tr = live.cache_get("trials", cid)
            if tr is None:
                kw = R.trial_kwargs(c, values)
                tr = R.run_trials(lv, problem, kw, K, c["label"], j * K, len(configs) * K, key=cid)
                live.cache_put("trials", cid, tr)
            runs.append((c["label"], tr))
            if j < len(configs) - 1 and lv.bar is not None:  # progressive redraw after each configuration
                style.show_chart(
                    plots.trials_figure(runs, log_x=bool(values["log_x"])), f"{PREFIX}__chart_live{j}", chart_slot
                )
    except ValueError as exc:
        st.error(f"Configuration {c['label']}: {exc}", icon=":material/error:")
        st.stop()
    lv.close()
V.results(runs, values, missing, chart_slot, problem)
