"""Where the wider audio pool comes from: public demo pages, selected by rule.

Each :class:`Rule` picks files from one fetched snapshot (``owner/name`` at a branch) by a
regular expression on the path and names what they are: ``synthetic`` speech with the
*family* (the system that made it; families are held out whole) or ``real`` speech with
its *source* (the corpus; real sources are held out whole too). ``cap`` bounds how many
files a rule contributes, picked by a stable hash of the path so a rebuild picks the same.

Demo pages often publish the ground-truth recordings of the corpus they synthesised
beside the synthetic clips: those are matched real speech (same corpora, rooms and
speakers), which keeps the detector from learning "which corpus" instead of "synthetic".

Licences: most demo repositories state none; the recordings they hold come from corpora
whose own terms apply (VCTK CC-BY-4.0, LibriTTS/LibriSpeech CC-BY-4.0, MLS CC-BY-4.0,
Expresso CC-BY-NC-4.0, LRS3 TED talks CC-BY-NC-ND-4.0). ``noncommercial`` marks rows whose
terms forbid commercial use. Nothing from these repositories enters the project: only this
catalogue, the manifest (paths and checksums) and what is trained on features of the audio.

Reserved for independent evaluation and never used here: styletts2/styletts2.github.io,
neonbjb/tortoise-tts, resemble-ai/Resemblyzer's audio (the ``styletts2`` folder of the
HierSpeech++ demo is skipped for the same reason).
"""

from __future__ import annotations

from dataclasses import dataclass

NO_LICENCE = "no licence stated (demo page)"


@dataclass(frozen=True)
class Rule:
    repo: str
    ref: str
    pattern: str
    label: str  # "synthetic" | "real"
    family: str  # synthetic: the generator family; real: "human"
    source: str  # real: the corpus (held out whole); synthetic: the demo page
    licence: str = NO_LICENCE
    cap: int = 40
    noncommercial: bool = False
    generator: str = ""


def _s(repo: str, ref: str, pattern: str, family: str, **kw: object) -> Rule:
    return Rule(repo, ref, pattern, "synthetic", family, f"github:{repo}", **kw)  # type: ignore[arg-type]


def _r(repo: str, ref: str, pattern: str, corpus: str, **kw: object) -> Rule:
    return Rule(repo, ref, pattern, "real", "human", corpus, **kw)  # type: ignore[arg-type]


LVC = "lvc-vc/lvc-vc-demo"
CONAN = "User-tian/Conan.github.io"
HIER = "sh-lee-prml/HierSpeechpp-demo"
YOURTTS = "Edresson/YourTTS"
VCRAFT = "jasonppy/VoiceCraft_web"
MATCHA = "shivammehta25/Matcha-TTS"
BIGVGAN = "bigvgan-demo/bigvgan-demo.github.io"
MOBILE = "MobileSpeech/MobileSpeech.github.io"
VSTTS = "vs-tts123/VSTTS-Demo"
STARGAN = "yl4579/StarGANv2-VC"
YOURTTS_LIC = "CC-BY-NC-ND-4.0 (repository licence)"
VCTK_LIC = "VCTK CC-BY-4.0; " + NO_LICENCE
LIBRI_LIC = "LibriTTS/LibriSpeech CC-BY-4.0; " + NO_LICENCE

RULES: tuple[Rule, ...] = (
    # --- voice conversion (VCTK) -------------------------------------------------------
    _s(LVC, "gh-pages", r"^audio/adain/", "AdaIN-VC"),
    _s(LVC, "gh-pages", r"^audio/again/", "AGAIN-VC"),
    _s(LVC, "gh-pages", r"^audio/autovc(_f0)?/", "AutoVC"),
    _s(HIER, "main", r"^audio/4_zeroshot_vc/AutoVC/", "AutoVC", cap=5),
    _s(LVC, "gh-pages", r"^audio/blow/", "Blow"),
    _s(LVC, "gh-pages", r"^audio/lvc_vc(_xl)?/", "LVC-VC"),
    _s(LVC, "gh-pages", r"^audio/nvcnet/", "NVC-Net"),
    _s(CONAN, "main", r"^wavs/p\d+/DiffVC/", "DiffVC"),
    _s(HIER, "main", r"^audio/4_zeroshot_vc/DiffVC/", "DiffVC", cap=5),
    _s(CONAN, "main", r"^wavs/p\d+/PPGVC/", "PPG-VC"),
    _s(CONAN, "main", r"^wavs/p\d+/QuickVC/", "QuickVC"),
    _s(CONAN, "main", r"^wavs/p\d+/StreamVC/", "StreamVC"),
    _s(CONAN, "main", r"^wavs/p\d+/VQMIVC/", "VQMIVC"),
    _s(
        CONAN,
        "main",
        r"^wavs/(p\d+/(Conan|Conan_fastest|previous_Conan)|Change_Spks/eg\d/(fastest|full))/",
        "Conan",
    ),
    _s(HIER, "main", r"^audio/4_zeroshot_vc/(dddmvc|diffhiervc)/", "DDDM-VC/Diff-HierVC"),
    _s(HIER, "main", r"^audio/4_zeroshot_vc/VoiceMixer/", "VoiceMixer"),
    # --- zero-shot / multi-speaker TTS -------------------------------------------------
    _s(
        YOURTTS,
        "gh-pages",
        r"^audios_demo/Exp\.\d/.*\.wav$",
        "YourTTS",
        licence=YOURTTS_LIC,
        noncommercial=True,
    ),
    _s(
        HIER,
        "main",
        r"^audio/(1_zeroshot_tts/YourTTS_test-clean|4_zeroshot_vc/YourTTS)/",
        "YourTTS",
        cap=11,
    ),
    _s(VCRAFT, "main", r"^static/audio_sample/tts/.*_yourtts\.wav$", "YourTTS", cap=13),
    _s(
        MOBILE,
        "main",
        r"^assets/audios/waves/\d+/yourtts\.wav$",
        "YourTTS",
        licence="CC0-1.0 (page); LibriSpeech CC-BY-4.0",
        cap=15,
    ),
    _s(
        YOURTTS,
        "gh-pages",
        r"^audios_demo/SC-GlowTTS-Trans/",
        "SC-GlowTTS",
        licence=YOURTTS_LIC,
        noncommercial=True,
    ),
    _s(
        HIER,
        "main",
        r"^audio/(1_zeroshot_tts/(hierspeech|hierspeechpp_\w+)|0_zeroshot_tts/expresso_tts_hier|2_Table11/hierspeech_for_\w+|3_mega/hierspeech_for_megatts|4_zeroshot_vc/(hierspeechpp_\w+|HierVST))/",
        "HierSpeech++",
    ),
    _s(
        HIER,
        "main",
        r"^audio/(1_zeroshot_tts/valle_clean|2_Table11/naturalspeech2_valle)/",
        "VALL-E",
        cap=10,
    ),
    _s(VCRAFT, "main", r"^static/audio_sample/tts/.*_valle\.wav$", "VALL-E", cap=13),
    _s(
        MOBILE,
        "main",
        r"^assets/audios/waves/\d+/valle\.wav$",
        "VALL-E",
        licence="CC0-1.0 (page); LibriSpeech CC-BY-4.0",
        cap=17,
    ),
    _s(HIER, "main", r"^audio/2_Table11/naturalspeech2_naturalspeech2/", "NaturalSpeech 2"),
    _s(HIER, "main", r"^audio/3_mega/megatts/", "Mega-TTS", cap=4),
    _s(
        MOBILE,
        "main",
        r"^assets/audios/waves/\d+/megatts\.wav$",
        "Mega-TTS",
        licence="CC0-1.0 (page); LibriSpeech CC-BY-4.0",
        cap=30,
    ),
    _s(
        MOBILE,
        "main",
        r"^assets/audios/waves/\d+/mobilespeech\.wav$",
        "MobileSpeech",
        licence="CC0-1.0 (page); LibriSpeech CC-BY-4.0",
    ),
    _s(
        MOBILE,
        "main",
        r"^assets/audios/waves/\d+/gtcodec\.wav$",
        "Neural codec resynthesis",
        licence="CC0-1.0 (page); LibriSpeech CC-BY-4.0",
        generator="ground truth through a neural speech codec",
    ),
    _s(
        VCRAFT,
        "main",
        r"^static/audio_sample/(tts/.*_ve\.wav|VoiceCraft_Voicebox/voicecraft/)",
        "VoiceCraft",
    ),
    _s(VCRAFT, "main", r"^static/audio_sample/tts/.*_xtts\.wav$", "XTTS"),
    _s(VCRAFT, "main", r"^static/audio_sample/VoiceCraft_Voicebox/voicebox/", "Voicebox"),
    _s(
        VSTTS,
        "main",
        r"^assets/audios/.*/((vstts|instruct|style)-[^/]*|gen_wav_\d+)\.wav$",
        "Prompt-controlled TTS (VS-TTS demo)",
        licence="CC0-1.0 (page); LibriTTS CC-BY-4.0, LRS3 CC-BY-NC-ND-4.0",
        noncommercial=True,
    ),
    # --- single-speaker TTS (LJSpeech) -------------------------------------------------
    _s(
        MATCHA,
        "docs",
        r"^stimuli/sample_from_test/(MAT-\d+|GCFM-\d+)_",
        "Matcha-TTS (flow matching)",
        licence="MIT (repository); LJSpeech public domain",
    ),
    _s(
        MATCHA,
        "docs",
        r"^stimuli/sample_from_test/GRAD-\d+_",
        "Grad-TTS",
        licence="MIT (repository); LJSpeech public domain",
    ),
    _s(
        MATCHA,
        "docs",
        r"^stimuli/sample_from_test/FS2_",
        "FastSpeech 2",
        licence="MIT (repository); LJSpeech public domain",
    ),
    _s(
        MATCHA,
        "docs",
        r"^stimuli/sample_from_test/VITS_",
        "VITS",
        licence="MIT (repository); LJSpeech public domain",
    ),
    _s(
        MATCHA,
        "docs",
        r"^stimuli/sample_from_test/VOC_",
        "HiFi-GAN vocoder",
        licence="MIT (repository); LJSpeech public domain",
    ),
    # --- vocoders (LibriTTS re-synthesis) ----------------------------------------------
    _s(BIGVGAN, "master", r"^samples/(bigvgan|bigvgan-base|mrd_snake)/", "BigVGAN"),
    _s(BIGVGAN, "master", r"^samples/univnet/", "UnivNet"),
    _s(BIGVGAN, "master", r"^samples/sc-wavernn/", "WaveRNN"),
    _s(
        BIGVGAN, "master", r"^samples/(bighifigan|hifigan|hifigan_mrd)/", "HiFi-GAN vocoder", cap=24
    ),
    # --- real speech: ground truth of the same corpora ---------------------------------
    _r(LVC, "gh-pages", r"^audio/vctk_orig/", "VCTK", licence=VCTK_LIC),
    _r(
        CONAN,
        "main",
        r"^wavs/(Origins/|Change_Spks/eg\d/p[^/]*\.wav$)",
        "VCTK",
        licence=VCTK_LIC,
        cap=20,
    ),
    _r(
        YOURTTS,
        "gh-pages",
        r"^audios_demo/GT/VCTK/",
        "VCTK",
        licence=YOURTTS_LIC,
        noncommercial=True,
        cap=30,
    ),
    _r(
        HIER,
        "main",
        r"^audio/(GT_VCTK|4_zeroshot_vc/GT_target_same_uttr|4_zeroshot_vc/noise_vctk)/",
        "VCTK",
        licence=VCTK_LIC,
        cap=25,
    ),
    _r(
        STARGAN,
        "main",
        r"^Demo/VCTK-corpus/",
        "VCTK",
        licence="MIT (repository); VCTK CC-BY-4.0",
        cap=10,
    ),
    _r(
        YOURTTS,
        "gh-pages",
        r"^audios_demo/GT/Libri-TTS/",
        "LibriTTS",
        licence=YOURTTS_LIC,
        noncommercial=True,
    ),
    _r(BIGVGAN, "master", r"^samples/gt/", "LibriTTS", licence=LIBRI_LIC, cap=23),
    _r(
        HIER,
        "main",
        r"^audio/(1_zeroshot_tts/libritts_test_clean_full|2_Table11/naturalspeech2_(gt|reference)|3_mega/prompt)/.*\.wav$",
        "LibriTTS",
        licence=LIBRI_LIC,
    ),
    _r(
        VCRAFT,
        "main",
        r"^static/audio_sample/(tts/.*_(orig|prompt)\.wav$|VoiceCraft_Voicebox/orig/)",
        "LibriTTS",
        licence=LIBRI_LIC,
        cap=30,
    ),
    _r(
        VSTTS,
        "main",
        r"^assets/audios/libritts[^/]*/.*audio_prompt[^/]*\.wav$",
        "LibriTTS",
        licence="CC0-1.0 (page); LibriTTS CC-BY-4.0",
        cap=10,
    ),
    _r(
        MOBILE,
        "main",
        r"^assets/audios/waves/\d+/gtexample\.wav$",
        "LibriSpeech",
        licence="CC0-1.0 (page); LibriSpeech CC-BY-4.0",
    ),
    _r(
        YOURTTS,
        "gh-pages",
        r"^audios_demo/GT/MLS-PT/",
        "MLS Portuguese",
        licence=YOURTTS_LIC,
        noncommercial=True,
    ),
    _r(
        YOURTTS,
        "gh-pages",
        r"^audios_demo/(GT/Speaker_Adaptation|reference)/",
        "YourTTS speaker references",
        licence=YOURTTS_LIC,
        noncommercial=True,
    ),
    _r(
        HIER,
        "main",
        r"^audio/0_zeroshot_tts/expresso_tts/",
        "Expresso",
        licence="Expresso CC-BY-NC-4.0; " + NO_LICENCE,
        noncommercial=True,
    ),
    _r(
        VSTTS,
        "main",
        r"^assets/audios/lrs3/[^/]+/[^/]+/\d+\.wav$",
        "LRS3 (TED)",
        licence="LRS3 CC-BY-NC-ND-4.0",
        noncommercial=True,
    ),
    _r(
        VCRAFT,
        "main",
        r"^static/audio_sample/speech_editing/(?!.*_(ve|fs)\.wav$)(YOU|show_).*\.wav$",
        "Podcasts and YouTube (GigaSpeech/Spotify)",
        licence="GigaSpeech/Spotify podcast terms (non-commercial research); " + NO_LICENCE,
        noncommercial=True,
    ),
)

# Real sources never used for training or calibration: the "FPR on real speech never
# trained on" figures come from these (another language, expressive acting, TED talks,
# podcasts and YouTube, and the offline Debian recordings of ../shared/data/audio).
HELD_OUT_REAL_SOURCES = (
    "MLS Portuguese",
    "Expresso",
    "LRS3 (TED)",
    "Podcasts and YouTube (GigaSpeech/Spotify)",
    "pocketsphinx-testdata",
)
