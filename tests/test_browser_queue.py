"""What a waiting student sees: the run's place in the queue, and Stop while it waits (Chromium)."""

from __future__ import annotations

import os

from conftest import screenshot, wait_for_app_run

LONG = "/?init=gaussian&scale=0.0001&max_iter=1000000&tol=0&m=200&n=200&seed="  # about a minute each


def test_a_queued_run_shows_its_place_and_stops_while_waiting(app_url, browser, page):
    cores = len(os.sched_getaffinity(0))  # the server's slots: its local Dask cluster's single-thread workers
    busy = [browser.new_context(viewport={"width": 1200, "height": 800}) for _ in range(cores)]
    try:
        for i, ctx in enumerate(busy):  # occupy every slot with a long run
            pg = ctx.new_page()
            pg.goto(app_url + LONG + str(100 + i))
            pg.get_by_role("button", name="Stop").wait_for(timeout=60_000)
        page.goto(app_url + LONG + "200")
        status = page.get_by_test_id("stProgress").filter(has_text="Queued")
        status.wait_for(timeout=60_000)
        assert "yours is next" in status.inner_text() and f"({cores} runs in progress)" in status.inner_text()
        page.wait_for_timeout(1500)  # the place has not changed meanwhile: Stop must still be honoured
        screenshot(page, "explore_queued")
        page.get_by_role("button", name="Stop").click()
        page.get_by_text("Stopped before anything was computed.").wait_for(timeout=30_000)
        wait_for_app_run(page)
    finally:
        for ctx in busy:
            for pg in ctx.pages:
                stop = pg.get_by_role("button", name="Stop")
                if stop.count():
                    stop.click()
                    pg.get_by_role("button", name="Run to the end").wait_for(timeout=30_000)
            ctx.close()
