"""The JSON API's bodies and answers (pydantic models), so that the OpenAPI schema says what
each route takes and gives.

The settings of an analysis are not copied here: :data:`SettingsIn` is generated from the
fields of :class:`clv.valuation.Settings` (their types, ``Literal`` choices and defaults), the
user-facing ones (:data:`SETTINGS`), and each value is checked by ``Settings`` itself, so that
a value it refuses is a 422 naming the field, with its sentence. The figures' descriptions
come from the vocabulary (:mod:`clv.measures`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal, Self, get_type_hints

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticUndefined
from pydantic_core.core_schema import ValidationInfo

from clv.errors import ClvError
from clv.measures import MEASURES
from clv.valuation import Settings

SETTINGS = ("unit", "model", "horizon_unit", "horizon", "margin", "discount_rate",
            "calibration_end", "currency")
"""The settings an analysis started from the dashboard may choose (the others keep
``Settings``' defaults). ``horizon_unit`` comes before ``horizon``: a horizon is checked in its
unit."""


def about(key: str) -> str | None:
    """The English definition of a figure of the vocabulary (None for another key)."""
    found = MEASURES.get(key)
    return found.definition["en"] if found is not None else None


class Problem(BaseModel):
    """Why a request was refused, in one sentence."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Bad input: the detail says which and why"},
    401: {"model": Problem, "description": "No or wrong access token (beyond 127.0.0.1)"},
    403: {"model": Problem, "description": "A change asked by a page of another site"},
    404: {"model": Problem, "description": "No such analysis, upload, job, customer or table"},
    413: {"model": Problem, "description": "Upload over the size limit"},
}
"""Error answers of every route, documented in the OpenAPI schema."""


class _SettingsBase(BaseModel):
    """Settings of an analysis started from the API: those of :class:`clv.valuation.Settings`
    that a user chooses, with its types, defaults and checks (``horizon_months``, the former
    name, is read as ``horizon``)."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    @field_validator("*")
    @classmethod
    def _checked_by_settings(cls, value: Any, info: ValidationInfo) -> Any:
        """``value`` as :class:`Settings` takes it (with the defaults for the others), else
        its sentence, under this field's name."""
        given: dict[str, Any] = {str(info.field_name): value}
        if info.field_name == "horizon":
            if "horizon_unit" not in info.data:  # a wrong unit is said already
                return value
            given["horizon_unit"] = info.data["horizon_unit"]
        try:
            Settings(**given)
        except ClvError as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _together(self) -> Self:
        try:  # each field is checked above; this is a last word on them together
            self.settings()
        except ClvError as exc:
            raise ValueError(str(exc)) from None
        return self

    def settings(self) -> Settings:
        """The library's settings."""
        return Settings(**self.model_dump())


def _settings_model() -> type[_SettingsBase]:
    hints = get_type_hints(Settings)
    spec = {f.name: f for f in dataclasses.fields(Settings)}

    def field(name: str) -> tuple[Any, Any]:
        default = spec[name].default
        extra: dict[str, Any] = {}
        if name == "horizon":
            extra["validation_alias"] = AliasChoices("horizon", "horizon_months")
        return hints[name], Field(None if default is dataclasses.MISSING else default,
                                  **extra)

    made: type[_SettingsBase] = create_model(  # type: ignore[call-overload]
        "SettingsIn", __base__=_SettingsBase, __module__=__name__,
        **{n: field(n) for n in SETTINGS})
    return made


if TYPE_CHECKING:  # the checkers see the base; pydantic, the generated fields
    SettingsIn = _SettingsBase
else:
    SettingsIn = _settings_model()
assert all(f.default is not PydanticUndefined for f in SettingsIn.model_fields.values())


class AnalysisIn(BaseModel):
    """Start an analysis: the source, its column mapping (field -> column; missing fields are
    not used), optional spend, customers and subscriptions sources (uploads of that kind),
    and the settings."""

    source: str
    mapping: dict[str, str | None]
    spend: str | None = None
    customers: str | None = None
    subscriptions: str | None = None
    name: str | None = Field(None, description="The data source's name in the history "
                             "(analyses of one name are one trend); default: the file's")
    table_columns: dict[str, dict[str, str | None]] = Field(
        default_factory=dict,
        description="Per table (spend, customers, subscriptions): field -> column (a field "
                    "given as null is not used); default: the columns detected. Fields: "
                    "spend month, channel, spend, campaign, leads; customers customer_id, "
                    "acquired_at, channel, campaign; subscriptions customer_id, start, end, "
                    "mrr, plan, channel")
    table_reading: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per table: date_format ('' = detected, dmy, mdy, iso, ymd) and decimal "
                    "('', ',', '.')")
    settings: SettingsIn = Field(default_factory=SettingsIn)
    reading: dict[str, str] = Field(
        default_factory=dict,
        description="Reading options: date_format ('' = detected, dmy, mdy, iso, ymd), "
                    "decimal ('', ',', '.'), refunds (net, drop), duplicates (auto, drop, "
                    "keep), earliest (YYYY-MM-DD: earlier dates are left out), max_amount (a "
                    "number: larger amounts are left out)")


class DatabaseIn(BaseModel):
    """A database table or query to analyse (a SQLAlchemy URL)."""

    url: str
    table: str | None = None
    query: str | None = None


# ---- answers ----------------------------------------------------------------------------


class SourceOut(BaseModel):
    """A source read: its id (for the mapping), columns, the mapping detected (field ->
    column) and, when one could not be detected, why."""

    id: str
    name: str | None = None
    kind: Literal["transactions", "spend", "customers", "subscriptions"] = "transactions"
    columns: list[str]
    detected: dict[str, str]
    problem: str | None


class JobStarted(BaseModel):
    """The job running the analysis (poll ``/api/jobs/{job}``)."""

    job: str


class JobOut(BaseModel):
    """Progress of an analysis."""

    id: str
    step: str
    share: float = Field(description="Share of the work done, 0 to 1")
    status: Literal["running", "done", "failed", "cancelled"] = Field(
        description="running (also while queued), done, failed or cancelled")
    error: str | None = Field(description="Why it failed or was stopped")
    note: str | None = Field(description="E.g. not saved to the history, and why")
    analysis: int | None = Field(description="The analysis's id, once done")
    label: str | None = Field(None, description="The step in the caller's language (the "
                              "page's: ?lang=, its cookie, Accept-Language)")
    message: str | None = Field(None, description="Why it failed or was stopped, in the "
                                "caller's language")


class AnalysisItem(BaseModel):
    """An analysis of this session."""

    id: int
    source: str
    model: str
    customers: int


class Kpis(BaseModel):
    """The headline figures of an analysis (each defined in :mod:`clv.measures`), in its
    currency; null when it cannot be computed (``active_share`` when no customer can be
    judged, ``ltv_cac`` without a spend table). Subscription metrics (``mrr``, ``arpa``,
    ``nrr``, ``customer_churn``) when a subscriptions table was given."""

    model_config = ConfigDict(extra="allow")

    date: str = Field(description="Day the analysis was made")
    observation_end: str = Field(description="Last day of the data")
    customers: int
    revenue: float | None = Field(None, description="Net revenue of all purchases")
    repeat_rate: float | None = Field(None, description=about("repeat_rate"))
    historical_ltv: float | None = Field(None, description=about("historical_ltv"))
    margin_to_date: float | None = Field(None, description=about("margin_to_date"))
    predicted_clv: float | None = Field(None, description=about("predicted_clv"))
    predicted_clv_total: float | None = Field(None, description=about("predicted_clv_total"))
    predicted_clv_total_lower: float | None = Field(None, description="Interval's lower end")
    predicted_clv_total_upper: float | None = Field(None, description="Interval's upper end")
    lifetime_value: float | None = Field(None, description=about("lifetime_value"))
    active_share: float | None = Field(None, description=about("active_share"))
    churn_share: float | None = Field(None, description=about("churn_share"))
    not_judged: int | None = Field(None, description="Customers whose P(alive) the models "
                                                     "cannot inform")
    gini_predicted: float | None = Field(None, description="Gini of the future values")
    model: str = Field(description="The purchase model the values use")
    new_customer_ltv: float | None = Field(None, description=about("new_customer_ltv"))
    currency: str | None = Field(None, description="Currency of every amount")
    blended_cac: float | None = Field(None, description=about("blended_cac"))
    ltv_cac: float | None = Field(None, description=about("ltv_cac"))
    paid_ltv_cac: float | None = Field(None, description=about("paid_ltv_cac"))


class SettingsOut(SettingsIn):
    """The settings the analysis was made with."""

    model_config = ConfigDict(extra="allow")
    level: float = Field(description="Level of the intervals")


class AnalysisOut(BaseModel):
    """KPIs, settings, notes, seconds per step, the three actions worth most and the tables
    available (``/api/analyses/{aid}/tables/{name}``)."""

    id: int
    kpis: Kpis
    settings: SettingsOut
    notes: list[str]
    seconds: dict[str, float]
    actions: list[str]
    tables: list[str]


class Figure(BaseModel):
    """A figure as the pages show it: its label and definition (with its basis) in the
    language, its value and the value as written (in the currency, for the locale)."""

    key: str = Field(description="The figure's key in clv.measures (or the KPI's)")
    label: str
    definition: str
    value: float | None
    text: str = Field(description="The value as shown ('' when it cannot be computed)")
    note: str | None = Field(None, description="Why it is blank, or what it leaves out")


class ChannelRow(BaseModel):
    """An acquisition channel (the figures of :func:`clv.acquisition.channels`), or the
    total of every channel (``channel`` null) with the blended figures."""

    model_config = ConfigDict(extra="allow")

    channel: str | None
    new_customers: int
    spend: float | None
    cac: float | None = Field(description=about("cac"))
    ltv: float | None = Field(description=about("ltv"))
    ltv_cac: float | None = Field(description=about("ltv_cac"))
    verdict: str | None = Field(description="The LTV:CAC verdict")
    payback_months: float | None = Field(None, description=about("payback_months"))
    predicted_payback_months: float | None = Field(None, description="The same, with the "
                                                   "model's continuation of the curve")
    max_cac: float | None = Field(None, description="Largest CAC that keeps LTV:CAC at 3x")


class ChannelsOut(BaseModel):
    """Acquisition channels: one row per channel, the total with the blended figures (equal
    to the analysis's ``kpis.blended_cac`` and ``kpis.ltv_cac``), what they are measured
    over, in the currency."""

    currency: str | None
    rows: list[ChannelRow]
    total: ChannelRow
    basis: dict[str, str]


class TableOut(BaseModel):
    """Rows of a table of an analysis (NaN and infinities as null)."""

    name: str
    rows: int = Field(description="Rows of the whole table")
    columns: list[str]
    data: list[dict[str, Any]]


class CustomersOut(BaseModel):
    """Customers matching the filters, most valuable first (columns of
    ``Analysis.customers``)."""

    found: int
    data: list[dict[str, Any]]


class CustomerOut(BaseModel):
    """One customer: predictions and the purchase history (first 500 lines)."""

    customer: dict[str, Any]
    lines: int
    history: list[dict[str, Any]]


class LeversOut(BaseModel):
    retention: float
    frequency: float
    basket: float
    margin: float
    cac: float


class WhatIfFigures(BaseModel):
    total_clv: float | None = Field(None, description=about("predicted_clv_total"))
    mean_clv: float | None = Field(None, description=about("predicted_clv"))
    new_customer_ltv: float | None = Field(None, description=about("new_customer_ltv"))
    ltv_cac: float | None = Field(None, description=about("ltv_cac"))
    payback_months: float | None = Field(None, description=about("payback_months"))
    profit_per_new_customer: float | None = None


class WhatIfOut(BaseModel):
    """Base and changed figures, with the levers as relative changes (0.05 = +5%)."""

    levers: LeversOut
    base: WhatIfFigures
    scenario: WhatIfFigures
    labels: dict[str, str]


class FormulaOut(BaseModel):
    """A closed-form LTV, and with a CAC its LTV:CAC verdict and the largest CAC at 3x."""

    formula: str
    inputs: dict[str, float]
    ltv: float | None
    ltv_cac: float | None = None
    verdict: str | None = None
    advice: str | None = None
    max_cac: float | None = None


class HistoryRow(BaseModel):
    """A saved analysis with its tracked KPIs and their change from the previous one
    (``*_change``)."""

    model_config = ConfigDict(extra="allow")

    id: int
    created_at: str | None = Field(description="When it was saved (ISO 8601, the server's "
                                   "time, without zone)")
    source: str | None
    model: str | None
    data_to: str | None
