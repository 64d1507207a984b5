"""Inputs that get what the user typed or pasted, in order and never raw.

- `SafeInput` runs its own bindings in turn with the letters typed into it, and shows
  pasted control characters instead of passing them on. A paste arrives
  as it was copied, escape sequences included, and Textual's `Input` draws its value as it
  is: pasting a log line holding ``ESC ] 0 ; ...`` into the filter bar would retitle the
  terminal. Keys typed one by one cannot insert control characters; a paste can.
- `route_key` sends on to the focused input the keys of a burst that were routed before it
  had the focus (docs/architecture.md, "Keys in a burst").
"""

from __future__ import annotations

from textual import events
from textual.dom import DOMNode
from textual.widgets import Input

from logtail_tui.core.sanitize import visible


class SafeInput(Input):
    """`Input` whose pastes have their control characters made visible (``^[``), and whose
    own bindings (Enter, Backspace, arrows) run in turn with the letters typed into it."""

    def _on_paste(self, event: events.Paste) -> None:
        # Textual calls each class's handler in turn, this one first: `Input`'s then inserts
        # the text as changed here.
        event.text = visible(event.text.splitlines()[0] if event.text else "")

    async def _on_key(self, event: events.Key) -> None:
        # Textual runs a widget's bindings from the app, once the key has bubbled up there:
        # after any letters still queued here, which a burst has. `x` Backspace `e` became
        # "xe" then "x". So the input runs its own bindings as their keys come.
        if event.is_printable:
            return  # `Input`'s handler, called next, inserts it
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                return


class RoutedKey(events.Key):
    """A key `route_key` sent on to the focused input: it is not sent on again."""


# Handled as any key: Textual names a message's handler after its class.
RoutedKey.handler_name = events.Key.handler_name


def route_key(event: events.Key, focused: DOMNode | None) -> bool:
    """Send a key that reached the app on to the focused input, behind the keys queued
    there; True if it did (the app's bindings then must not run it).

    A burst (a paste, keys typed while the app is busy) is routed to the log pane before
    its first key runs. If that key opened a bar, the rest were meant for its input, but
    they come back up to the app: letters would run as the pane's commands, and the
    input's own bindings (Enter, Backspace) would run at once, ahead of letters still
    queued for the input, so Enter submitted an empty search. A key that went through the
    input once (a `RoutedKey`) is left to the bindings.
    """
    if isinstance(focused, Input) and not isinstance(event, RoutedKey):
        # Sent as if by the input, so it bubbles back up to the app (Textual stops a
        # message at the child of the pump that sent it), and marked forwarded, so the app
        # does not route it (or check its priority bindings) a second time.
        key = RoutedKey(event.key, event.character).set_sender(focused)
        key._set_forwarded()
        return focused.post_message(key)
    return False


__all__ = ["RoutedKey", "SafeInput", "route_key"]
