"""Where the wider labelled image corpus comes from: public repositories, file by file rule.

Each :class:`Source` names a repository (fetched as a bare git snapshot), the files to take
(glob patterns over paths at the pinned commit, minus exclusions), the label, and the
*group*: the generator family for AI images, the photo source for real ones. Evaluation
holds out whole groups, never single files. ``role`` says how a group is used:

- ``train``: in the leave-one-group-out rotation (scored only by heads that never saw it);
- ``unseen``: never trained on by any head, the final one included (the unseen-portrait
  check of issue 11).

Licences are as the repositories state them; ``nc`` marks non-commercial or research-only
terms. The images are never copied into the project: ``corpus.py build`` rebuilds the set
from the snapshots and ``data/corpus_manifest.csv`` records every file's sha256.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    repo: str
    commit: str
    include: tuple[str, ...]
    label: str  # "ai" | "real"
    group: str  # generator family (ai) or photo source (real)
    generator: str  # the generator, or what the photos are
    licence: str
    nc: bool = False
    exclude: tuple[str, ...] = ()
    limit: int | None = None  # deterministic subsample (by sha256) of large sources
    role: str = "train"
    min_bytes: int = 20_000  # drops icons, masks and condition maps
    max_aspect: float | None = None  # drops side-by-side composites
    drop_ui_screens: bool = False  # drops screenshots of a node editor (dark grey canvas)
    tags: tuple[str, ...] = field(default=())


COMFY = "comfyanonymous/ComfyUI_examples"
COMFY_C = "f9431bb000ce792094ff345446e22cac1ea6cef3"
COMFY_L = "0BSD-style permission (LICENSE: any purpose)"


def _comfy(folders: str, group: str, generator: str, exclude: tuple[str, ...] = ()) -> Source:
    include = tuple(f"{f}/*.png" for f in folders.split())
    return Source(
        COMFY,
        COMFY_C,
        include,
        "ai",
        group,
        generator,
        COMFY_L,
        exclude=exclude,
        drop_ui_screens=True,
    )


SOURCES: list[Source] = [
    # ----------------------------------------------------------------- AI: recent services
    Source(
        "jamez-bondos/awesome-gpt4o-images",
        "3ed4dbb0f1ae6f7385c81e1fcea48d9eefd2e596",
        ("cases/*/*.png", "cases/*/*.jpg", "cases/*/*.jpeg", "gpt-image-1/examples/*"),
        "ai",
        "gpt-image",
        "OpenAI GPT-4o / gpt-image-1",
        "CC BY 4.0 (repo); OpenAI outputs per NOTICE-openai.md",
    ),
    Source(
        "PicoTrex/Awesome-Nano-Banana-images",
        "7d344750a40e9061821d4fdf1ef22bdc3a970ead",
        ("images/*/output*.jpg", "images/*/output*.png", "images/*/output*.jpeg"),
        "ai",
        "nano-banana",
        "Google Gemini 2.5 Flash Image / 3 Pro Image (Nano Banana), edit outputs",
        "Apache-2.0",
    ),
    Source(
        "Kwai-Kolors/Kolors",
        "0fafa56a76b7acf1e147b153d1e7b8fd65f9055b",
        (
            "controlnet/outputs/*_sdxl.jpg",
            "inpainting/asset/*_sdxl.png",
            "ipadapter/asset/*_sdxl_ip_result.jpg",
            "ipadapter_FaceID/assets/test_img*_SDXL.png",
        ),
        "ai",
        "sdxl",
        "SDXL (comparison outputs in the Kolors repository)",
        "Apache-2.0",
    ),
    Source(
        "Kwai-Kolors/Kolors",
        "0fafa56a76b7acf1e147b153d1e7b8fd65f9055b",
        (
            "controlnet/outputs/Canny_dog.jpg",
            "controlnet/outputs/Canny_woman_1.jpg",
            "controlnet/outputs/Depth_bird.jpg",
            "controlnet/outputs/Depth_ipadapter_*.jpg",
            "controlnet/outputs/Depth_woman_2.jpg",
            "controlnet/outputs/Pose_woman_3.jpg",
            "controlnet/outputs/Pose_woman_4.jpg",
            "inpainting/asset/*_kolors.png",
            "ipadapter/asset/*_kolors_ip_result.jpg",
            "ipadapter_FaceID/assets/image*_res.png",
            "ipadapter_FaceID/assets/test_img*_Kolors.png",
            "scripts/outputs/*.jpg",
            "dreambooth/*.png",
            "imgs/zl8.png",
        ),
        "ai",
        "kolors",
        "Kwai Kolors",
        "Apache-2.0",
    ),
    Source(
        "Kwai-Kolors/Kolors",
        "0fafa56a76b7acf1e147b153d1e7b8fd65f9055b",
        ("ipadapter/asset/*_mj_cw_result.png",),
        "ai",
        "midjourney",
        "Midjourney (--cw comparison outputs in the Kolors repository)",
        "Apache-2.0 (repo); Midjourney outputs",
    ),
    # ----------------------------------------------------------------- AI: open models
    _comfy("flux flux2", "flux", "FLUX.1 dev/schnell/Kontext/Fill, FLUX.2 (ComfyUI examples)"),
    Source(
        "black-forest-labs/flux",
        "802fb4713906133fcbd0d8dc5351620ca4773036",
        ("assets/grid.jpg", "assets/dev_grid.jpg", "assets/schnell_grid.jpg"),
        "ai",
        "flux",
        "FLUX.1 sample grids",
        "Apache-2.0",
    ),
    _comfy("sd3", "sd3", "Stable Diffusion 3 / 3.5 (ComfyUI examples)"),
    _comfy("sdxl sdturbo edit_models", "sdxl", "SDXL / SDXL Turbo / CosXL edit (ComfyUI examples)"),
    _comfy(
        "2_pass_txt2img area_composition controlnet gligen hypernetworks img2img inpaint lcm "
        "lora model_merging noisy_latent_composition textual_inversion_embeddings",
        "stable-diffusion-1.5",
        "SD 1.x checkpoints and fine-tunes (ComfyUI examples)",
        exclude=("controlnet/pose_*", "controlnet/*scribble*", "controlnet/shark_depthmap.png"),
    ),
    _comfy("unclip", "stable-diffusion-2", "SD 2.1 unCLIP (ComfyUI examples)"),
    _comfy("stable_cascade", "stable-cascade", "Stable Cascade (ComfyUI examples)"),
    _comfy("chroma", "chroma", "Chroma (FLUX.1-schnell derived; ComfyUI examples)"),
    _comfy(
        "hidream qwen_image hunyuan_dit hunyuan_image aura_flow lumina2 omnigen z_image "
        "cosmos_predict2 3d",
        "recent-dit-misc",
        "HiDream, Qwen-Image, Hunyuan-DiT, AuraFlow, Lumina 2, OmniGen 2, Z-Image, Cosmos",
    ),
    Source(
        "CompVis/stable-diffusion",
        "21f890f9da3cfbeaba8e2ac3c425ee9e998d5229",
        (
            "assets/stable-samples/txt2img/*.png",
            "assets/stable-samples/img2img/mountains-*.png",
            "assets/a-*.png",
            "assets/the-earth-is-on-fire,-oil-on-canvas.png",
            "assets/birdhouse.png",
            "assets/fire.png",
        ),
        "ai",
        "stable-diffusion-1.5",
        "Stable Diffusion v1 samples (CompVis)",
        "CreativeML OpenRAIL-M",
    ),
    Source(
        "deep-floyd/IF",
        "ffc8163891682beaca0c5eb6b9077860a3bc6509",
        (
            "pics/dream-*.jpg",
            "pics/main.jpg",
            "pics/nabla.jpg",
            "pics/inpainting.jpg",
            "pics/style-transfer.jpg",
            "pics/super-res-*.jpg",
            "pics/if_as_upscaler.jpg",
        ),
        "ai",
        "deepfloyd-if",
        "DeepFloyd IF",
        "DeepFloyd IF licence (research, non-commercial)",
        nc=True,
    ),
    Source(
        "ai-forever/Kandinsky-3",
        "a4c9e92e4d9b2a57081b7e33a2e82373c99ddbfc",
        ("assets/photo_*.jpg", "assets/butterly_effect.jpg", "assets/kandinsky.jpg"),
        "ai",
        "kandinsky",
        "Kandinsky 3",
        "Apache-2.0",
    ),
    Source(
        "yangxy/GPEN",
        "2c736702983368847fb544d234a22ac7cff25802",
        ("examples/outs-seg2face/*",),
        "ai",
        "gan-faces-gpen",
        "GPEN seg2face (GAN faces drawn from segmentation maps)",
        "none stated (no LICENSE file)",
        nc=True,
        max_aspect=1.3,
    ),
    Source(
        "InstantID/InstantID",
        "2145b67f9607da6234702063692330185f374486",
        ("assets/kolor/demo_*.jpg",),
        "ai",
        "kolors",
        "InstantID on Kolors",
        "Apache-2.0",
    ),
    Source(
        "HiDream-ai/HiDream-I1",
        "9b42dd606fecf8f78b974adb7e4d10331c91371a",
        ("assets/demo.jpg",),
        "ai",
        "recent-dit-misc",
        "HiDream-I1 demo grid",
        "MIT",
    ),
    # ----------------------------------------------------------------- real photographs
    Source(
        "ajschumacher/imagen",
        "2e8718956e3bb046db9a8e488c2254fd9846b6c5",
        ("imagen/*",),
        "real",
        "imagenet-ajschumacher",
        "ImageNet photos (one per class)",
        "ImageNet terms (non-commercial research); Flickr copyrights",
        nc=True,
        limit=300,
    ),
    Source(
        "zzzDavid/ICDAR-2019-SROIE",
        "27be4271b251c256f695acbade9a801bffe85994",
        ("data/img/*.jpg",),
        "real",
        "documents-sroie",
        "scanned shop receipts (ICDAR 2019 SROIE)",
        "MIT (repo); SROIE data for research",
        nc=True,
        limit=150,
    ),
    Source(
        "jbhuang0604/SelfExSR",
        "8f6dd8c1d20cb7e8792a7177b4f6fd677633f598",
        ("data/BSD100/image_SRF_2/*_HR.png",),
        "real",
        "photos-bsd100",
        "Berkeley segmentation photos (BSD100)",
        "none stated; BSDS for research",
        nc=True,
    ),
    Source(
        "jbhuang0604/SelfExSR",
        "8f6dd8c1d20cb7e8792a7177b4f6fd677633f598",
        ("data/Urban100/image_SRF_2/*_HR.png",),
        "real",
        "photos-urban100",
        "urban architecture photos (Urban100, Flickr)",
        "none stated; Flickr copyrights",
        nc=True,
    ),
    Source(
        "jbhuang0604/SelfExSR",
        "8f6dd8c1d20cb7e8792a7177b4f6fd677633f598",
        ("data/Sun-Hays80/image_SRF_8/*_HR.png", "data/Set14/image_SRF_2/*_HR.png"),
        "real",
        "photos-sunhays-set14",
        "scene photos (Sun-Hays 80) and the Set14 test photos",
        "none stated; research benchmarks",
        nc=True,
    ),
    Source(
        "Li-Chongyi/Zero-DCE",
        "e0f4adc54d0f23348c4a9b84acc08fe8778d5bfd",
        ("Zero-DCE_code/data/test_data/*/*",),
        "real",
        "night-lowlight",
        "low-light and night photos (DICM, LIME)",
        "none stated (no LICENSE file); benchmark photos for research",
        nc=True,
    ),
    Source(
        "zhixuhao/unet",
        "b45af4d458437d8281cc218a07fd4380818ece4a",
        (
            "data/membrane/train/image/*",
            "data/membrane/test/[0-9].png",
            "data/membrane/test/[0-9][0-9].png",
        ),
        "real",
        "microscopy-em",
        "electron-microscopy membrane slices (ISBI 2012)",
        "MIT (repo); ISBI challenge data",
        min_bytes=5_000,
    ),
    Source(
        "xunhuang1995/AdaIN-style",
        "6d8ac287f35010faf8feece4047bfe86c8c007d0",
        ("input/style/*",),
        "real",
        "human-artwork",
        "paintings and drawings by human artists (style references)",
        "MIT (repo); artworks mostly public domain",
        min_bytes=5_000,
    ),
    Source(
        "lengstrom/fast-style-transfer",
        "0d3d981f7ab948253d355585bdbdfa914247b4d0",
        ("examples/style/*",),
        "real",
        "human-artwork",
        "paintings by human artists (style references)",
        "none stated; artworks mostly public domain",
        min_bytes=5_000,
    ),
    Source(
        "xunhuang1995/AdaIN-style",
        "6d8ac287f35010faf8feece4047bfe86c8c007d0",
        ("input/content/*",),
        "real",
        "photos-misc",
        "content photos",
        "MIT",
        min_bytes=5_000,
    ),
    Source(
        "CompVis/stable-diffusion",
        "21f890f9da3cfbeaba8e2ac3c425ee9e998d5229",
        ("data/inpainting_examples/*.png",),
        "real",
        "photos-misc",
        "Unsplash/Flickr photos used as inpainting inputs",
        "Unsplash / Flickr photos",
        exclude=("*_mask.png",),
    ),
    Source(
        "chaofengc/IQA-PyTorch",
        "01ae427f9afd66842031d3a7cb694dcad5b5cbb8",
        ("ResultsCalibra/ref_dir/*",),
        "real",
        "photos-misc",
        "IQA reference photos",
        "PolyForm Noncommercial (repo)",
        nc=True,
    ),
    # faces of real people
    Source(
        "YadiraF/DECA",
        "f5b6b4236986b7d3d65ca24bfd69f8fd7467896b",
        ("TestSamples/AFLW2000/*", "TestSamples/examples/*", "TestSamples/exp/*"),
        "real",
        "faces-3d-benchmarks",
        "real face photos (AFLW2000 and examples)",
        "DECA licence (non-commercial research)",
        nc=True,
        min_bytes=5_000,
    ),
    Source(
        "YadiraF/PRNet",
        "fc12fe5e1f1462bdea52409b213d0cf1c8cf6c5b",
        ("TestImages/*.jpg", "TestImages/*.png", "TestImages/AFLW2000/*.jpg"),
        "real",
        "faces-3d-benchmarks",
        "real face photos (AFLW2000 and examples)",
        "MIT",
        min_bytes=5_000,
    ),
    Source(
        "sicxu/Deep3DFaceRecon_pytorch",
        "9167c7136aebef0c54d3ac74f4b0396222a491c1",
        ("datasets/examples/*",),
        "real",
        "faces-3d-benchmarks",
        "real face photos",
        "MIT",
        min_bytes=5_000,
    ),
    Source(
        "cleardusk/3DDFA_V2",
        "1b6c67601abffc1e9f248b291708aef0e43b55ae",
        ("examples/inputs/*",),
        "real",
        "faces-3d-benchmarks",
        "real face photos",
        "MIT",
        min_bytes=5_000,
    ),
    Source(
        "sczhou/CodeFormer",
        "b33cc7d639d6545bfcccc7e0bc6ae51f24e79c2b",
        ("inputs/cropped_faces/*", "inputs/whole_imgs/*", "inputs/gray_faces/*"),
        "real",
        "faces-old-photos",
        "old, degraded and greyscale photos of real people",
        "S-Lab License 1.0 (non-commercial)",
        nc=True,
        min_bytes=5_000,
    ),
    Source(
        "TencentARC/GFPGAN",
        "7552a7791caad982045a7bbe5634bbf1cd5c8679",
        ("inputs/cropped_faces/*", "inputs/whole_imgs/*"),
        "real",
        "faces-old-photos",
        "old, degraded photos of real people",
        "Apache-2.0 style (Tencent)",
        min_bytes=5_000,
    ),
    Source(
        "cszn/KAIR",
        "fc1732f4a4514e42ce15e5b3a1e18c828af47a1e",
        ("testsets/real_faces/*",),
        "real",
        "faces-old-photos",
        "real face photos",
        "MIT",
        min_bytes=5_000,
    ),
    Source(
        "yangxy/GPEN",
        "2c736702983368847fb544d234a22ac7cff25802",
        ("examples/ffhq-10/*", "examples/selfie/*", "examples/grays/*"),
        "real",
        "faces-old-photos",
        "FFHQ faces, selfies, greyscale portraits",
        "none stated (FFHQ: CC BY-NC-SA 4.0)",
        nc=True,
        min_bytes=5_000,
    ),
    Source(
        "Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB",
        "dffdddda9794a50607cba8f318507a28c1c27cab",
        ("imgs/*",),
        "real",
        "faces-group-photos",
        "photos of groups of real people",
        "MIT",
        min_bytes=5_000,
    ),
    Source(
        "TencentARC/PhotoMaker",
        "060b4fcb10b76a4554edf565d6106b7e36c968f0",
        (
            "examples/*_woman/*",
            "examples/newton_man/newton_1.jpg",
            "examples/newton_man/newton_3.jpg",
        ),
        "real",
        "faces-id-references",
        "reference photos of real people",
        "Apache-2.0 style (Tencent)",
        min_bytes=5_000,
    ),
    Source(
        "InstantID/InstantID",
        "2145b67f9607da6234702063692330185f374486",
        ("examples/*_resize.*",),
        "real",
        "faces-id-references",
        "reference photos of real people",
        "Apache-2.0",
        min_bytes=5_000,
    ),
    Source(
        "ToTheBeginning/PuLID",
        "1aa2fc7df4bf51080df39f355f9abdc1cbfefbaa",
        ("example_inputs/*",),
        "real",
        "faces-id-references",
        "reference photos of real people",
        "Apache-2.0",
        min_bytes=5_000,
    ),
    # never trained on by any head: the unseen-portrait check
    Source(
        "ageitgey/face_recognition",
        "2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1",
        (
            "examples/*.jpg",
            "examples/knn_examples/*/*.jpg",
            "examples/knn_examples/*/*/*.jpg",
            "tests/test_images/*.jpg",
        ),
        "real",
        "faces-press-unseen",
        "press and public photos of real people (politicians, actors)",
        "MIT (repo); press photos",
        role="unseen",
        min_bytes=5_000,
    ),
    Source(
        "timesler/facenet-pytorch",
        "787da06156087cd6b616fe6608213722bddc30cd",
        ("data/test_images/*/*", "data/*.jpg", "data/*.png", "examples/*.jpg"),
        "real",
        "faces-press-unseen",
        "press photos of actors",
        "MIT (repo); press photos",
        role="unseen",
        min_bytes=5_000,
    ),
]
