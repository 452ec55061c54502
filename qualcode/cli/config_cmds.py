"""`qualcode config show`: every setting, its value, and where it comes from."""

from __future__ import annotations

import typer

from qualcode.cli.app import _Group, app, state
from qualcode.i18n import N_, _

config_app = typer.Typer(cls=_Group, help=N_("Settings written once: the default project, "
                         "coder, language and theme."), no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("show", help=N_("Each setting with its value and its origin (flag > "
                                    "environment > ./qualcode.toml > the user's config.toml > "
                                    "default)."))
def show(ctx: typer.Context) -> None:
    from qualcode import i18n
    from qualcode.config import masked
    from qualcode.settings import KEYS, keymap, load, user_file

    st = state(ctx)
    found = load()
    origins = st.origins or {}
    shown = {"db": st.db, "coder": st.coder,
             "lang": i18n.current, "theme": found.get("theme") or "dark"}
    for key in KEYS:
        origin = origins.get(key) or found.origin(key, "default")
        print(f"{key} = {masked(shown[key])}  ({origin})")
    for action, key in keymap(found).items():
        print(_("keys.{action} = {key}  ({origin})").format(
                  action=action, key=key, origin=found.origin(f'keys.{action}', 'default')))
    print(_("files read: {user_file}, then ./qualcode.toml (when present)").format(
              user_file=user_file()))
