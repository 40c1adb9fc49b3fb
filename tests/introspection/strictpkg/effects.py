from __future__ import annotations

import logging
from pathlib import Path

from dioxide import service

logger = logging.getLogger(__name__)
CALLS: list[str] = []


def load_config() -> dict[str, str]:
    CALLS.append("load_config")
    return {"url": "sqlite://"}


CONFIG = load_config()
load_config()
BASE = Path(__file__).parent


@service
class Configured:
    def __init__(self) -> None:
        self.config = CONFIG
