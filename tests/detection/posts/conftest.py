# The C2PA signing kit of the image tests: an AI image's credentials, made offline.
from tests.detection.engine.image.conftest import signing_kit  # noqa: F401
