"""Saves noticed as they happen, for livereload (watchdog: inotify on Linux, FSEvents on macOS).

livereload's own watcher walks every watched file every 0.8 s: at 10,000 articles that walk
takes a tenth of a second each time, and a save waits 0.4 s on average before it is seen.
This one is told by the system. Where it cannot watch (no inotify, its limit reached), serve
falls back to livereload's polling.
"""
from __future__ import annotations

import logging
import os
import threading

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# A save is often several events (write, rename, change of mode), a `git pull` many: the build
# waits until none came for this long (but never longer than SETTLE_AT_MOST after the first).
SETTLE_SECONDS = 0.05
SETTLE_AT_MOST = 1.0
# Reading a file is an event too (opened, closed) on some systems: only these are changes.
CHANGES = frozenset({"created", "modified", "deleted", "moved"})


class _Events(FileSystemEventHandler):
    def __init__(self, folder: str, notice):
        self._folder, self._notice = folder, notice

    def on_events_lost(self, event: FileSystemEvent) -> None:
        """The system's queue overflowed (a `git pull` of thousands of files): which files
        changed is not known, so the next build walks every one."""
        self._notice(self._folder, None)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES or (event.is_directory and event.event_type == "modified"):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            path = os.path.abspath(os.fsdecode(path)) if path else ""
            # Editors' swap, lock and backup files, and .git: the build skips hidden names too.
            if path and not any(part.startswith(".") for part in os.path.relpath(path, self._folder).split(os.sep)):
                self._notice(self._folder, path)


class EventWatcher(Watcher):
    """livereload's Watcher interface (watch, start, examine), fed by file system events."""

    def __init__(self):
        super().__init__()
        self._observer = Observer()
        self._observer.daemon = True
        self._lock = threading.Lock()
        self._changed: set[str] = set()   # watched folders with a change: filled by the observer's
                                          # thread, emptied by examine()
        self._saved: set[str] = set()     # the paths changed, until saved() takes them
        self._lost = False                # events were lost since saved() was last called
        self._loop: IOLoop | None = None
        self._poll = None
        self._waiting = None           # the loop's timeout for examine, while events come in
        self._first_event = 0.0
        self._failed: Exception | None = None

    def watch(self, path, func=None, delay=None, ignore=None) -> None:
        """Watched from now on: a save during serve's first build is seen too."""
        super().watch(path, func, delay, ignore)
        if self._failed is None:
            try:
                self._observer.schedule(_Events(path, self._notice), os.path.abspath(path), recursive=True)
                if not self._observer.is_alive():
                    self._observer.start()
            except Exception as exc:  # no inotify, its limit reached, a folder missing, ...
                self._failed = exc

    def start(self, callback) -> bool:
        """Called by livereload on its loop; False makes it poll as usual."""
        if self._failed is not None:
            self.stop()
            logging.getLogger("livereload").warning(
                "cannot watch for saves (%s); looking for them every 0.8 s instead", self._failed)
            return False
        callback()  # livereload queued a change of its own at start
        with self._lock:
            self._loop, self._poll = IOLoop.current(), callback
            missed = bool(self._changed)
        if missed:
            self._settle()
        return True

    def stop(self) -> None:
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)

    def _notice(self, folder: str, path: str | None) -> None:  # the observer's thread; None: not known
        with self._lock:
            self._changed.add(folder)
            if path is None:
                self._lost = True
            else:
                self._saved.add(path)
            self.filepath = path or folder
            loop = self._loop
        if loop is not None:  # else start() looks at it
            loop.add_callback(self._settle)

    def saved(self) -> set[str] | None:
        """The paths changed since the last call (absolute), or None where this watcher polls
        or the system lost events, and it cannot tell."""
        if self._failed is not None:
            return None
        with self._lock:
            saved, self._saved = self._saved, set()
            lost, self._lost = self._lost, False
        return None if lost else saved

    def _settle(self) -> None:
        now = self._loop.time()
        if self._waiting is None:
            self._first_event = now
        else:
            self._loop.remove_timeout(self._waiting)
        delay = SETTLE_SECONDS if now - self._first_event < SETTLE_AT_MOST else 0
        self._waiting = self._loop.call_later(delay, self._examine_now)

    def _examine_now(self) -> None:
        self._waiting = None
        self._poll()

    def examine(self):
        """Runs the task of every watched folder with a change; livereload's (path, delay)."""
        if self._failed is not None:  # livereload polls: look as it would
            return super().examine()
        if self._changes:
            return self._changes.pop()
        with self._lock:
            changed, self._changed = self._changed, set()
            path = self.filepath
        for func in dict.fromkeys(self._tasks[folder]["func"] for folder in changed):
            if func:  # once, even when the content and the templates changed together
                func()
        return (path if changed else None), None
