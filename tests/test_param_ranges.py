import copy

import pytest

from cspsim import build_model
from cspsim.config.checks import check_params
from cspsim.config.params import ModelParams
from cspsim.errors import ConfigError


def test_defaults_pass():
    check_params(ModelParams())


@pytest.mark.parametrize(
    ("group", "field", "value", "expected"),
    [
        (
            "crime",
            "at_risk_share",
            -1.0,
            # > 0 since a probe found the model crashes with no at-risk resident
            r"params\.crime\.at_risk_share: expected a number > 0 and <= 1",
        ),
        ("crime", "at_risk_share", 1.5, r"<= 1"),
        (
            "crime",
            "near_repeat_branching",
            1.0,
            r"near_repeat_branching: expected a number >= 0 and < 1",
        ),
        (
            "reporting",
            "base_probability",
            [0.4, 0.3, 1.0, 0.02],
            r"base_probability: expected a number > 0 and < 1",
        ),
        ("police", "shift_hours", 0.0, r"shift_hours: expected a number > 0"),
        ("contacts", "negative_trust_loss", -0.1, r"negative_trust_loss"),
        ("costs", "meeting", -5.0, r"params\.costs\.meeting"),
    ],
)
def test_out_of_range_named(group, field, value, expected):
    params = ModelParams()
    setattr(getattr(params, group), field, value)
    with pytest.raises(ConfigError, match=expected):
        check_params(params)


def test_signed_bias_allowed():
    params = ModelParams()
    params.contacts.group_stop_bias = -0.5
    check_params(params)


def test_model_refuses_bad_params(tiny_cfg):
    cfg = copy.deepcopy(tiny_cfg)
    cfg.params.survey.response_base = 0.0
    with pytest.raises(ConfigError, match="params.survey.response_base"):
        build_model(cfg)
