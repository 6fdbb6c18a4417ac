"""The engine answer time every hop of a request waits for (kubernetes/serving/answer_time.py): 5 s to the
first token plus max_model_len tokens at 4 tokens/s, up to the minute, between the interceptor's default
120 s and the 2700 s an ALB's 4000 s idle timeout leaves after the 1200 s cold-start wait. Values literal."""

from __future__ import annotations

import pytest

from lepton_infra.kubernetes.serving.answer_time import engine_answer_seconds, interceptor_request_seconds


@pytest.mark.parametrize(
    "max_model_len, seconds",
    [
        (256, 120),  # 5 + 64 s: never below the interceptor's default
        (2048, 540),  # 5 + 512 s -> 9 minutes
        (8192, 2100),  # the prod stacks' chat: 5 + 2048 s -> 35 minutes
        (32768, 2700),  # 5 + 8192 s: capped, such answers must stream
    ],
)
def test_the_answer_time_follows_max_model_len_within_its_bounds(max_model_len: int, seconds: int) -> None:
    assert engine_answer_seconds(max_model_len) == seconds


def test_the_longest_request_fits_an_albs_idle_timeout_with_a_minute_to_spare() -> None:
    assert interceptor_request_seconds(engine_answer_seconds(1048576)) + 60 <= 4000
