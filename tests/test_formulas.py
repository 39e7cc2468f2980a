import math

import pytest

from clv import formulas as f


def test_cafe_regular_worked_example():
    # 3 EUR, 5 times a week, 52 weeks a year, for 2 years.
    assert f.generic_ltv(3.0, 5 * 52, 2) == pytest.approx(1560.0)


def test_saas_by_churn_worked_example():
    assert f.saas_ltv_churn(100.0, 0.05) == pytest.approx(2000.0)
    assert f.saas_ltv_churn(100.0, 0.05, margin=0.8) == pytest.approx(1600.0)


def test_saas_by_lifetime_service_and_ecommerce():
    assert f.saas_ltv_lifetime(50.0, 24, margin=0.9) == pytest.approx(1080.0)
    assert f.service_ltv(600.0, 5, margin=0.6) == pytest.approx(1800.0)
    # basket of 65 including 5 of shipping, 40% margin, 10 purchases
    assert f.ecommerce_ltv(65.0, 10, margin=0.4, shipping=5.0) == pytest.approx(240.0)


def test_discounted_ltv_matches_explicit_sum_and_closed_form():
    m, r, d = 100.0, 0.8, 0.1
    explicit = sum(m * (r / (1 + d)) ** t for t in range(7))
    assert f.discounted_ltv(m, r, d, periods=7) == pytest.approx(explicit)
    assert f.discounted_ltv(m, r, d) == pytest.approx(m * (1 + d) / (1 + d - r))
    assert f.discounted_ltv(m, r, d, periods=2000) == pytest.approx(f.discounted_ltv(m, r, d))
    assert f.discounted_ltv(m, 1.0, 0.0, periods=5) == pytest.approx(500.0)


@pytest.mark.parametrize(
    ("ltv", "cac", "level"),
    [(50, 100, "loses money"), (100, 100, "thin"), (299, 100, "thin"), (300, 100, "healthy"),
     (500, 100, "healthy"), (800, 100, "under-investing?")],
)
def test_ltv_cac_verdicts(ltv, cac, level):
    v = f.ltv_cac_ratio(ltv, cac)
    assert v.level == level
    assert v.ratio == pytest.approx(ltv / cac)


def test_max_cac_and_payback():
    assert f.max_cac(1200.0) == pytest.approx(400.0)
    assert f.max_cac(1200.0, target_ratio=4) == pytest.approx(300.0)
    assert f.cac_payback_months(300.0, 100.0, margin=0.5) == pytest.approx(6.0)
    # with churn the expected cumulative margin after n months is m (1 - (1-c)^n) / c
    n = f.cac_payback_months(300.0, 100.0, margin=0.5, monthly_churn=0.05)
    assert 50 * (1 - 0.95**n) / 0.05 == pytest.approx(300.0)
    assert n > 6.0
    assert math.isinf(f.cac_payback_months(2000.0, 100.0, margin=0.5, monthly_churn=0.05))
    assert f.cac_payback_months(0.0, 100.0) == 0.0


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: f.saas_ltv_churn(100, 0), "monthly_churn"),
        (lambda: f.saas_ltv_churn(100, 1.5), "monthly_churn"),
        (lambda: f.generic_ltv(-3, 1, 1), "average_purchase_value"),
        (lambda: f.generic_ltv(3, 1, 1, margin=30), "margin"),
        (lambda: f.ltv_cac_ratio(100, 0), "cac"),
        (lambda: f.discounted_ltv(100, 1.0, 0.0), "retention_rate"),
        (lambda: f.ecommerce_ltv(10, 1, shipping=20), "shipping"),
        (lambda: f.service_ltv(float("nan"), 1), "yearly_revenue"),
    ],
)
def test_input_checks_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
