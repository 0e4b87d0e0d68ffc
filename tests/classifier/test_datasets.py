"""The studio's dataset half: classifiers and classes, adding images (files, zips, labelled
predictions) with the upload and hygiene checks, removing them, thumbnails and warnings."""

import io
import re
import shutil
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from classifier import datasets
from classifier.models import ImageClassifier, ModelVersion, Prediction
from mlcore.storage import archives
from tests.classifier.uploading import bomb_png
from tests.mlcore.test_archives import lie_about_sizes, make_zip
from tests.pictures import encode, picture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_dir")]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shapes():
    return datasets.create_classifier("Shapes", "shapes", ["circles", "squares"])


@pytest.fixture
def root(shapes, datasets_dir):
    return datasets_dir / "shapes"


def jpeg(seed, **kwargs):
    return encode(picture(seed, **kwargs))


def upload(name, data):
    return SimpleUploadedFile(name, data)


def files(root):
    """Every file under root, as CLASS/NAME: what a refused request must leave as it was."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def text(response):
    """The page's text with its whitespace collapsed, as a reader sees it."""
    return " ".join(response.content.decode().split())


def put(root, label, *seeds):
    """Images straight into a class folder, as another tool would."""
    for seed in seeds:
        (root / label / f"{seed}.jpg").write_bytes(jpeg(seed))


# Who may do what


def test_visitors_are_sent_to_the_admin_login(client, root):
    put(root, "circles", 1)
    for method, path in [
        ("get", "/studio/"),
        ("post", "/studio/create"),
        ("get", "/studio/shapes/"),
        ("post", "/studio/shapes/images/"),
        ("post", "/studio/shapes/zip/"),
        ("post", "/studio/shapes/classes/"),
        ("post", "/studio/shapes/images/circles/1.jpg/remove"),
        ("get", "/studio/shapes/images/circles/1.jpg"),
        ("post", "/studio/shapes/predictions/"),
        ("post", "/studio/shapes/collect/"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/?next="), path
    assert files(root) == ["circles/1.jpg"]


def test_a_post_without_the_csrf_token_is_refused(admin_user, root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    put(root, "circles", 1)
    for path, data in [
        ("/studio/create", {"title": "T", "slug": "t", "classes": "a"}),
        ("/studio/shapes/images/", {"label": "circles", "images": upload("a.jpg", jpeg(2))}),
        ("/studio/shapes/zip/", {"archive": upload("a.zip", zip_of({"circles/a.jpg": 3}))}),
        ("/studio/shapes/images/circles/1.jpg/remove", {}),
        ("/studio/shapes/classes/", {"name": "triangles"}),
    ]:
        assert client.post(path, data).status_code == 403, path
    assert files(root) == ["circles/1.jpg"]
    assert datasets.class_names(ImageClassifier.objects.get()) == ["circles", "squares"]


# Classifiers and classes


def test_create_a_classifier_with_its_class_folders(admin_client, datasets_dir):
    response = admin_client.post(
        "/studio/create",
        {"title": "Pets", "slug": "pets", "classes": "cats\ndogs, guinea pigs", "description": ""},
    )
    assert response.status_code == 302 and response["Location"] == "/studio/pets/"
    assert sorted(path.name for path in (datasets_dir / "pets").iterdir()) == [
        "cats",
        "dogs",
        "guinea pigs",
    ]
    page = admin_client.get("/studio/").content.decode()
    assert "Pets" in page and "guinea pigs 0" in page and "no version in service" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slug": "bad slug!"}, "Enter a valid “slug”"),
        ({"slug": "shapes"}, "There is a classifier &#x27;shapes&#x27; already."),
        ({"classes": "cats\n../etc"}, "&#x27;../etc&#x27; cannot be a class name"),
        ({"classes": "cats, Cats"}, "There is a class &#x27;Cats&#x27; already."),
        ({"classes": "cats, test"}, "would not read a folder of that name as a class"),
        ({"classes": " , "}, "Name at least one class."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_create_refuses_bad_slugs_and_classes(admin_client, shapes, datasets_dir, fields, message):
    data = {"title": "Pets", "slug": "pets", "classes": "cats", **fields}
    response = admin_client.post("/studio/create", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert sorted(path.name for path in datasets_dir.iterdir()) == ["shapes"]


def test_one_class_is_enough_to_start_and_classes_are_added(admin_client, datasets_dir):
    classifier = datasets.create_classifier("Pets", "pets", ["cats"])
    assert "Training needs at least 2 classes with images" in " ".join(
        datasets.dataset_warnings(classifier)
    )
    response = admin_client.post("/studio/pets/classes/", {"name": "dogs"})
    assert response.status_code == 302
    assert datasets.class_names(classifier) == ["cats", "dogs"]
    response = admin_client.post("/studio/pets/classes/", {"name": "Dogs"})
    assert response.status_code == 400
    assert "There is a class &#x27;Dogs&#x27; already." in response.content.decode()


# Adding images


def test_several_files_at_once_good_ones_stored_bad_ones_named(admin_client, root, settings):
    settings.CLASSIFIER_MAX_UPLOAD_BYTES = 200_000
    noise = Image.frombytes("RGB", (300, 300), bytes(range(256)) * 1055)
    batch = [
        upload("one.jpg", jpeg(1)),
        upload("two.png", encode(picture(2), "PNG")),
        upload("notes.txt", b"just some text, no image at all"),
        upload("tiny.png", encode(picture(3, size=(40, 30)), "PNG")),
        upload("empty.jpg", b""),
        upload("one-again.jpg", jpeg(1)),
        upload("bomb.png", bomb_png()),
        upload("huge.bmp", encode(noise, "BMP")),
        upload("three.gif", encode(picture(4), "GIF")),
    ]
    response = admin_client.post("/studio/shapes/images/", {"label": "circles", "images": batch})
    assert response.status_code == 302
    stored = files(root)
    assert len(stored) == 3 and {name.rsplit(".")[-1] for name in stored} == {"jpg", "png", "gif"}
    assert all(name.startswith("circles/") for name in stored)
    page = admin_client.get("/studio/shapes/").content.decode()
    assert "Added 3 images; turned away 6:" in page
    jpg = next(name for name in stored if name.endswith(".jpg"))
    for expected in [
        "notes.txt: this is a text file, not an image",
        "tiny.png: too small: 40 x 30 pixels, under 100",
        "empty.jpg: the file is empty (0 bytes)",
        f"one-again.jpg: copy of {jpg}",
        "bomb.png: the image is too large to process safely",
        "huge.bmp: larger than 0.190735 MB",
    ]:
        assert expected in page


def test_a_near_copy_in_another_class_is_turned_away(admin_client, root):
    admin_client.post(
        "/studio/shapes/images/", {"label": "circles", "images": upload("a.jpg", jpeg(1))}
    )
    [kept] = files(root)
    smaller = encode(picture(1).resize((150, 112)), quality=50)
    response = admin_client.post(
        "/studio/shapes/images/", {"label": "squares", "images": upload("b.jpg", smaller)}, **HTMX
    )
    assert response.status_code == 400
    assert f"<strong>b.jpg</strong>: near copy of {kept}" in response.content.decode()
    assert files(root) == [kept]


def test_htmx_answers_the_class_panel_with_the_report(admin_client, root):
    batch = [upload("a.jpg", jpeg(1)), upload("b.jpg", jpeg(2))]
    response = admin_client.post(
        "/studio/shapes/images/", {"label": "squares", "images": batch}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>squares</h2>" in html and "2 images" in html and "Added 2 images." in html
    assert html.count('class="tile"') == 2 and 'hx-swap-oob="true"' in html
    assert "<h2>circles</h2>" not in html and "<html" not in html


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"label": "circles"}, 400, "Choose one or more images to add."),
        ({"images": upload("a.jpg", jpeg(1))}, 400, "Say which class the images are for."),
        ({"label": "dogs", "images": upload("a.jpg", jpeg(1))}, 400, "There is no class"),
    ],
)
def test_adding_without_images_or_class_says_so(admin_client, root, data, status, message):
    response = admin_client.post("/studio/shapes/images/", data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert files(root) == []


def test_files_are_written_whole_under_new_names(shapes, root):
    report = datasets.add_images(shapes, "circles", [upload("../../evil.jpg", jpeg(1))])
    assert report.added == 1 and report.rejected == []
    [name] = files(root)
    assert name.startswith("circles/") and "evil" not in name
    assert not list(root.rglob(".*"))  # no temporary file left


# Zips


def zip_of(members, **extra):
    """A zip of {path: picture seed}, and extra {path: bytes}."""
    return make_zip({**{path: jpeg(seed) for path, seed in members.items()}, **extra}).getvalue()


def test_a_zip_of_class_folders_is_added(admin_client, root):
    data = zip_of(
        {"shapes/circles/a.jpg": 1, "shapes/squares/b.jpg": 2, "shapes/dogs/c.jpg": 3},
        **{"shapes/circles/notes.txt": b"text", "__MACOSX/shapes/._x": b"junk"},
    )
    response = admin_client.post("/studio/shapes/zip/", {"archive": upload("s.zip", data)})
    assert response.status_code == 302
    assert [name.split("/")[0] for name in files(root)] == ["circles", "squares"]
    page = admin_client.get("/studio/shapes/").content.decode()
    assert "circles/notes.txt: this is a text file, not an image" in page
    assert "dogs/: no class &#x27;dogs&#x27; (1 file): tick “Add new classes” to add it" in page

    response = admin_client.post(
        "/studio/shapes/zip/", {"archive": upload("s.zip", data), "new_classes": "on"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "new class dogs" in html
    assert "<h2>dogs</h2>" in html and 'id="dataset"' in html
    assert [name.split("/")[0] for name in files(root)] == ["circles", "dogs", "squares"]
    assert "circles/a.jpg</strong>: copy of circles/" in html


def test_a_zip_folder_that_cannot_be_a_class_is_refused(admin_client, root):
    data = zip_of({"circles/a.jpg": 1, "train/b.jpg": 2})
    response = admin_client.post(
        "/studio/shapes/zip/", {"archive": upload("s.zip", data), "new_classes": "on"}
    )
    assert response.status_code == 400
    assert "&#x27;train&#x27; cannot be a class name" in response.content.decode()
    assert files(root) == []


def forged_zip():
    honest = make_zip({"circles/a.jpg": jpeg(1), "circles/b.jpg": jpeg(2)}).getvalue()
    return lie_about_sizes(honest, "circles/b.jpg", 1000).getvalue()


def special_file_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("circles/a.jpg", jpeg(1))
        link = zipfile.ZipInfo("circles/link.jpg")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (zip_of({"circles/a.jpg": 1}, **{"../../escape.jpg": jpeg(2)}), "points outside"),
        (zip_of({"circles/a.jpg": 1}, **{"/etc/circles/x.jpg": jpeg(2)}), "absolute path"),
        (special_file_zip(), "symbolic link"),
        (zip_of({f"circles/{i}.jpg": i for i in range(6)}), "at most 5 are allowed"),
        (zip_of({"circles/a.jpg": 1}, **{"circles/b.bmp": bytes(3_000_000)}), "zip bomb"),
        (forged_zip(), "the zip is (forged or )?damaged"),
        (b"this is not a zip", "not a zip file"),
        (zip_of({"circles/a.jpg": 1, "squares/deeper/b.jpg": 2}), "not in a class folder"),
    ],
)
def test_every_zip_attack_is_refused_before_anything_is_written(
    admin_client, root, monkeypatch, settings, data, message
):
    put(root, "squares", 7)
    before = files(root)
    monkeypatch.setattr(
        datasets,
        "zip_limits",
        lambda: archives.Limits(files=5, member_bytes=settings.CLASSIFIER_MAX_UPLOAD_BYTES),
    )
    response = admin_client.post(
        "/studio/shapes/zip/", {"archive": upload("s.zip", data), "new_classes": "on"}
    )
    assert response.status_code == 400
    assert re.search(message, response.content.decode())
    assert files(root) == before


def test_a_zip_over_the_limit_is_refused_while_it_arrives(admin_client, root, settings):
    settings.STUDIO_MAX_ZIP_BYTES = 50_000
    data = zip_of({f"circles/{i}.jpg": i for i in range(20)})
    assert len(data) > 50_000
    response = admin_client.post("/studio/shapes/zip/", {"archive": upload("s.zip", data)})
    assert response.status_code == 413
    assert "The zip is larger than 0.0476837 MB: split it into several." in (
        response.content.decode()
    )
    assert files(root) == []


def test_a_zip_form_without_a_file_says_so(admin_client, root):
    response = admin_client.post("/studio/shapes/zip/", {}, **HTMX)
    assert response.status_code == 400
    assert "Choose a zip file to add." in response.content.decode()


# Removing, thumbnails, warnings


def test_remove_an_image_and_refuse_names_outside_the_class(admin_client, root, shapes):
    put(root, "circles", 1, 2)
    put(root, "squares", 3)
    (root / "secret.jpg").write_bytes(jpeg(4))
    response = admin_client.post("/studio/shapes/images/circles/1.jpg/remove", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "1 image<" in html and "1.jpg" not in html
    assert files(root) == ["circles/2.jpg", "secret.jpg", "squares/3.jpg"]
    for label, name in [
        ("circles", ".."),
        ("circles", "%2e%2e"),
        ("circles", "3.jpg"),
        ("circles", "missing.jpg"),
        ("..", "secret.jpg"),
        ("circles", "..%2Fsecret.jpg"),
        ("dogs", "2.jpg"),
    ]:
        response = admin_client.post(f"/studio/shapes/images/{label}/{name}/remove")
        assert response.status_code in (404,), (label, name)
    for name in ("../secret.jpg", "../squares/3.jpg", "/etc/passwd", "2.jpg\x00.txt"):
        with pytest.raises(datasets.DatasetError):
            datasets.remove_image(shapes, "circles", name)
    assert files(root) == ["circles/2.jpg", "secret.jpg", "squares/3.jpg"]


def test_a_link_out_of_the_class_is_no_image_of_it(root, shapes, tmp_path):
    (tmp_path / "outside.jpg").write_bytes(jpeg(1))
    (root / "circles" / "link.jpg").symlink_to(tmp_path / "outside.jpg")
    with pytest.raises(datasets.DatasetError):
        datasets.remove_image(shapes, "circles", "link.jpg")
    assert (tmp_path / "outside.jpg").exists()


def test_thumbnails(admin_client, root):
    (root / "circles" / "big.png").write_bytes(encode(picture(1, size=(800, 600)), "PNG"))
    (root / "circles" / "broken.jpg").write_bytes(b"not really a jpeg")
    response = admin_client.get("/studio/shapes/images/circles/big.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert Image.open(io.BytesIO(response.content)).size == (256, 192)
    assert admin_client.get("/studio/shapes/images/circles/broken.jpg").status_code == 422
    assert admin_client.get("/studio/shapes/images/circles/..").status_code == 404
    assert admin_client.get("/studio/shapes/images/../shapes").status_code == 404
    assert admin_client.get("/studio/shapes/images/circles/nothing.png").status_code == 404


def test_the_page_shows_counts_thumbnails_warnings_and_the_train_link(admin_client, root):
    put(root, "circles", *range(1, 13))
    put(root, "squares", 20, 21, 22)
    (root / "squares" / "copy.jpg").write_bytes(jpeg(1))
    page = admin_client.get("/studio/shapes/").content.decode()
    assert "12 images" in page and "4 images" in page
    assert page.count('loading="lazy"') == 16
    assert "Class &#x27;squares&#x27; has only 4 image(s); at least 10 are recommended." in page
    assert "Classes are imbalanced: the largest has 3.0x as many" in page
    assert "The same image is in several classes (circles/1.jpg, squares/copy.jpg)" in page
    assert 'href="/studio/shapes/train/"' in page
    assert 'multiple accept="image/*"' in page and "data-dropzone-many" in page


def test_the_page_shows_a_preview_of_a_large_class_until_asked_for_all(admin_client, root):
    for i in range(65):
        (root / "circles" / f"{i}.jpg").write_bytes(b"x")
    page = admin_client.get("/studio/shapes/").content.decode()
    assert page.count('class="tile"') == 60 and "Show all 65" in page
    page = admin_client.get("/studio/shapes/?show=circles").content.decode()
    assert page.count('class="tile"') == 65


def test_an_unknown_classifier_is_404(admin_client):
    assert admin_client.get("/studio/nothing/").status_code == 404
    assert admin_client.post("/studio/nothing/images/").status_code == 404


# Visitors' labelled images


def labelled_prediction(classifier, version, data, true_label, feedback=""):
    original = default_storage.save("predictions/originals/x.png", ContentFile(data))
    return Prediction.objects.create(
        classifier=classifier,
        version=version,
        thumbnail="predictions/thumbnails/x.jpg",
        original=original,
        sha256="0" * 64,
        size_bytes=len(data),
        probabilities={"circles": 0.6, "squares": 0.4},
        label="circles",
        probability=0.6,
        unsure=False,
        latency_ms=1.0,
        true_label=true_label,
        feedback=feedback,
    )


def test_labelled_predictions_join_the_dataset_after_the_checks(admin_client, shapes, root):
    version = ModelVersion.objects.create(
        classifier=shapes,
        number=1,
        backbone="efficientnet_lite0",
        input_size=96,
        labels=["circles", "squares"],
        directory="classifiers/shapes/1",
        training_seconds=1,
    )
    good = labelled_prediction(shapes, version, encode(picture(1), "PNG"), "squares")
    near = labelled_prediction(shapes, version, encode(picture(1), "JPEG"), "circles")
    labelled_prediction(shapes, version, encode(picture(2), "PNG"), "")  # nobody labelled it
    labelled_prediction(shapes, version, encode(picture(3), "PNG"), "triangles")  # no such class
    page = text(admin_client.get("/studio/shapes/"))
    assert "2 predictions with a true label are waiting" in page

    response = admin_client.post("/studio/shapes/predictions/")
    assert response.status_code == 302
    assert files(root) == [f"squares/prediction-{good.pk}.png"]
    page = text(admin_client.get("/studio/shapes/"))
    assert f"prediction #{near.pk}: near copy of squares/prediction-{good.pk}.png" in page
    assert "1 prediction with a true label is waiting" in page

    Prediction.objects.filter(pk=near.pk).update(true_label="")
    response = admin_client.post("/studio/shapes/predictions/", follow=True)
    assert "No labelled predictions are waiting" in response.content.decode()

    Prediction.objects.filter(pk=near.pk).update(true_label="circles")
    shutil.rmtree(root)
    response = admin_client.post("/studio/shapes/predictions/")
    assert response.status_code == 409 and "Shapes has no dataset folder" in text(response)
    assert not root.exists()
