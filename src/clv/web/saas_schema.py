"""The JSON of the subscription page (``GET /api/analyses/{aid}/saas``): the page's figures as
written in its language, and the values behind them (``clv.subscriptions``), with each
field's definition in the schema."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from clv.report.text import SAAS_WORDS
from clv.web.schemas import Figure


def _about(key: str) -> str:
    return SAAS_WORDS[f"{key}_def"]["en"]


class SaasMonth(BaseModel):
    """A calendar month: MRR at its end and its movements since the month before (MRR =
    MRR of the month before + new + reactivation + expansion - contraction - churn)."""

    month: dt.date = Field(description="The month's first day")
    mrr: float = Field(description=_about("saas_mrr"))
    customers: int = Field(description=_about("saas_customers"))
    customers_start: int = Field(description="Customers paying at the end of the month before")
    mrr_start: float = Field(description="MRR at the end of the month before")
    new: float = Field(description=_about("saas_new"))
    reactivation: float = Field(description=_about("saas_reactivation"))
    expansion: float = Field(description=_about("saas_expansion"))
    contraction: float = Field(description=_about("saas_contraction"))
    churn: float = Field(description=_about("saas_churn"))
    new_customers: int = Field(description="Customers paying for the first time")
    reactivated_customers: int = Field(description="Customers paying again after a churn")
    churned_customers: int = Field(description="Customers who stopped paying")
    arpa: float | None = Field(description=_about("saas_arpa"))
    net_new_mrr: float = Field(description=_about("saas_net_new_mrr"))
    customer_churn: float | None = Field(description=_about("saas_logo_churn"))
    revenue_churn: float | None = Field(description=_about("saas_revenue_churn"))
    grr: float | None = Field(description=_about("saas_grr"))
    nrr: float | None = Field(description=_about("saas_nrr"))
    grr_12m: float | None = Field(description=_about("saas_grr_12m"))
    nrr_12m: float | None = Field(description=_about("saas_nrr_12m"))


class SaasCohort(BaseModel):
    """The customers of a first paying month (cohort), ``age`` months later."""

    cohort: dt.date = Field(description="The cohort's first paying month (its first day)")
    age: int = Field(description="Months since the cohort's first month")
    customers: int = Field(description="Customers of the cohort paying at that age")
    mrr: float = Field(description="Their MRR")
    logo_retention: float = Field(description=_about("saas_logo_retention"))
    revenue_retention: float = Field(description=_about("saas_revenue_retention"))


class SaasPlan(BaseModel):
    """A plan (or start month, or every subscription pooled): the sBG model fitted on its
    subscriptions and its LTV next to the simple formula's."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(description="The plan as shown")
    subscriptions: int = Field(description="Subscriptions of the plan, ended or not")
    active_subscriptions: int = Field(description=_about("saas_subscribers"))
    arpa: float | None = Field(description=_about("saas_plan_arpa"))
    monthly_churn: float | None = Field(description=_about("saas_monthly_churn"))
    simple_ltv: float | None = Field(description=_about("saas_simple_ltv"))
    sbg_ltv: float | None = Field(None, description=_about("saas_sbg_ltv"))
    ltv_ratio: float | None = Field(None, description=_about("saas_ltv_ratio"))
    alpha: float | None = Field(None, description="sBG's alpha (Beta distribution of churn)")
    beta: float | None = Field(None, description="sBG's beta")
    alpha_se: float | None = Field(None, description="Standard error of alpha")
    beta_se: float | None = Field(None, description="Standard error of beta")
    expected_lifetime_months: float | None = Field(
        None, description="Expected lifetime of a new subscriber in months (null when "
                          "unbounded: alpha <= 1)")
    discounted_lifetime_months: float | None = Field(
        None, description="Discounted expected lifetime (DEL) of a new subscriber, in months")


class Definition(BaseModel):
    """A figure's words in the page's language."""

    key: str
    label: str
    definition: str


class SaasOut(BaseModel):
    """The subscription page's figures: the headline figures as the page writes them in
    ``lang``, every month, every cohort and age, every plan with the sentence the page adds
    when its two LTVs differ, what they rest on and each figure's definition."""

    lang: str
    currency: str | None
    figures: list[Figure] = Field(description="The headline figures, as the page shows them")
    months: list[SaasMonth]
    cohorts: list[SaasCohort]
    plans: list[SaasPlan]
    plan_notes: list[str] = Field(description="What the page says of the plans' LTVs")
    basis: list[str] = Field(description="What the figures rest on")
    definitions: list[Definition]
