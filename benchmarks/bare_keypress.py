"""The floor for key-to-paint: a bare Textual app (Header, Static, Footer) whose label changes on a key."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class BareKeys(App[None]):
    BINDINGS = [("3", "next", "Next")]  # noqa: RUF012 (Textual's own style for BINDINGS)

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("card 0", id="label")
        yield Footer()

    def action_next(self) -> None:
        self.count += 1
        self.query_one("#label", Static).update(f"card {self.count}")


if __name__ == "__main__":
    BareKeys().run()
