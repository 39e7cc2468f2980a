"""Words every page shares: the header, the language switch, the sections' names."""

MESSAGES: dict[str, dict[str, str]] = {
    "lang_name": {"en": "English", "fr": "Français"},
    "lang_switch": {"en": "Language", "fr": "Langue"},
}
