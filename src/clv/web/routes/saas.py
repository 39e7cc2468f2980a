"""The subscription pages of an analysis with a subscriptions table (``/a/{aid}/saas``)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
