"""The live check: camera and microphone analysed while the call lasts.

The browser opens ``ws/live/`` and either negotiates a WebRTC peer connection with the
server (aiortc, inside the ASGI process: :mod:`.rtc`) or, when that cannot connect, sends
JPEG frames and 16 kHz PCM chunks over the same socket. Either way the media reach one
:class:`~detection.live.session.LiveSession`, which samples frames at a fixed rate, cuts
audio into overlapping windows, runs the detectors on worker threads with bounded queues
(older frames are dropped when analysis falls behind) and streams per-window results back.
When the session stops, its summary is stored as a ``Detection`` with source ``live``.

Nothing here imports torch: the detectors are loaded through :mod:`.analyzers` on a thread.
"""
