"""Type-ahead that lands where the user meant: keys that arrive in one burst are applied one after another.

Why this exists. Textual hands each key to the widget that has the focus when the *app* takes the
key from its queue (`App.on_event` -> `focused._forward_event`, which only posts it to that widget's
queue). A `tab` moves the focus only later, once it has gone through the focused widget, bubbled up
to the app and reached the screen's `focus_next` binding. So when `Some Name`, `tab`, `ABC` arrive
together (a fast typist, a laggy SSH link, a busy server), the app has already posted `ABC` to the
first field before the `tab` has moved anything: the legal name becomes `Some NameABC`. Keys typed
right after a key that opens a screen or a dialog go to a screen that is not mounted yet, and are lost.

Re-routing a key that reaches a widget that no longer has the focus is not enough: the keys are
all posted to the first field before it has handled the `tab`. So the gate works one step earlier.
`PlannerApp.on_event` passes every key from the terminal (and every paste) through `KeyGate.offer`:

- when nothing is in flight (the app and every widget of the screens on the stack are mounted and
  have an empty queue and no callback waiting) the key is handled at once, exactly as Textual
  would: a user typing at human speed sees no difference;
- otherwise it is held, in order, and a small task releases the held keys one at a time, each once
  the app has settled again: the previous key has gone all the way (focus moved, a dialog mounted
  and focused its field, a form validated, ...).

Periodic noise (the cursor's blink timer, idle prompts, repaints) does not count as "in flight".
A key is never held for more than `MAX_WAIT` seconds: if something keeps the app busy for longer,
the next key is let through anyway, still in order.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable

from textual import events, messages
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget

MAX_WAIT = 2.0  # seconds a held key waits for the app to settle before it is let through anyway
POLL = 0.002  # seconds between two looks at the queues while keys are held

# messages that arrive on their own, not because of a key: they must not hold the keys back
_NOISE = (events.Timer, messages.Prompt, messages.Update, messages.Layout, messages.UpdateScroll, events.Idle)


def is_typed(event: Message | None) -> bool:
    """A key or a paste straight from the terminal (not yet passed to a widget)."""
    return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded


class KeyGate:
    """Holds typed events while earlier ones are still being handled, then releases them in order."""

    def __init__(self, app: App, dispatch: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app = app
        self.dispatch = dispatch  # Textual's own handling of the event (App.on_event)
        self.held: deque[events.Event] = deque()
        self.released: set[events.Event] = set()
        self.task: asyncio.Task | None = None

    async def offer(self, event: events.Event) -> None:
        """Called by the app for each typed event taken from its queue."""
        if event in self.released:
            self.released.discard(event)
            await self.dispatch(event)
        elif not self.held and not self.released and self.settled():
            # (one let through is back at the end of the app's queue: a key before it there waits too)
            await self.dispatch(event)
        else:
            self.held.append(event)
            if self.task is None:
                self.task = asyncio.create_task(self._release_held())

    def settled(self) -> bool:
        """True when no message pump of the app has work left that a key could depend on."""
        app = self.app
        pumps: list[MessagePump] = [app]
        for screen in app.screen_stack:
            if not getattr(screen, "complete", True):  # a screen that mounts some of its widgets late
                return False
            pumps.extend(screen.walk_children(with_self=True))
        for pump in pumps:
            # textual._queue.Queue keeps its messages in `values`
            queued: Iterable[Message | None] = pump._message_queue.values
            waiting = any(not (isinstance(m, _NOISE) or is_typed(m)) for m in queued)
            if waiting or pump._next_callbacks or (isinstance(pump, Widget) and not pump.is_mounted):
                return False
        return True

    async def _release_held(self) -> None:
        try:
            while self.held and self.app.is_running:
                deadline = time.monotonic() + MAX_WAIT
                await asyncio.sleep(0)
                while not self.settled() and time.monotonic() < deadline:
                    await asyncio.sleep(POLL)
                event = self.held.popleft()
                self.released.add(event)
                self.app.post_message(event)
                # wait for the app to take it, so that the next one is not judged before it
                while event in self.released and self.app.is_running and time.monotonic() < deadline + MAX_WAIT:
                    await asyncio.sleep(0 if self.app._message_queue.qsize() < 2 else POLL)
                # never taken (the app ending): a key offered later need not wait behind it (`offer`)
                self.released.discard(event)
        finally:
            self.task = None
