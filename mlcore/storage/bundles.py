"""A saved model in one file, to carry from the machine that trained it to one that serves it.

A bundle is a zip holding `bundle.json` and `files/<name>` for each file of the model's
directory that serving and the model's pages need. bundle.json says what the model is ("kind"),
the fields of its version and owner, each file's size and sha256, and the versions of the
libraries that made it. Reading trusts nothing: every member must be bundle.json or a listed
file with a plain name, within the size limits, and hold exactly the bytes listed; anything else
raises BundleError before a file is written.
"""

import hashlib
import importlib.metadata
import json
import os
import platform
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from mlcore.storage import archives

FORMAT = 1
MANIFEST = "bundle.json"
FOLDER = "files/"
LIMITS = archives.Limits(files=64, total_bytes=2 * 2**30, member_bytes=2**30)
LIBRARIES = ("numpy", "pillow", "ai-edge-litert", "tensorflow-cpu", "tensorflow", "keras")


class BundleError(ValueError):
    """The file is not a bundle this site can use; the message says why."""


@dataclass
class Bundle:
    meta: dict  # bundle.json
    files: dict  # name -> bytes, every one checked against meta

    def unpack(self, folder):
        """Write the files into folder (a model directory being staged)."""
        for name, data in self.files.items():
            (Path(folder) / name).write_bytes(data)


def library_versions(names=LIBRARIES):
    """The installed versions of the libraries a model depends on (or of names), and Python's."""
    found = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def write(out, kind, record, directory, names, owner=None, libraries=None):
    """Write a bundle of the named files of directory to out, whole or not at all."""
    out, directory = Path(out), Path(directory)
    contents = {name: (directory / name).read_bytes() for name in names}
    meta = {
        "format": FORMAT,
        "kind": kind,
        "owner": owner or {},
        "record": record,
        "files": {
            name: {"size": len(data), "sha256": sha256(data)} for name, data in contents.items()
        },
        "libraries": libraries or library_versions(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with (
            os.fdopen(fd, "wb") as file,
            zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as bundle,
        ):
            bundle.writestr(MANIFEST, json.dumps(meta, indent=2, ensure_ascii=False))
            for name, data in contents.items():
                bundle.writestr(FOLDER + name, data)
        os.replace(partial, out)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return out


def read(source, kinds):
    """The checked bundle in source (a path or a binary file) of one of kinds."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise BundleError(
            "This is not a model bundle: it is not a zip file, or it is damaged."
        ) from None
    with archive:
        # `zip -r` of an unpacked bundle adds an entry for the folder: nothing to read in it.
        infos = [i for i in archive.infolist() if not (i.is_dir() and i.filename == FOLDER)]
        try:
            if len(infos) > LIMITS.files:
                raise BundleError(f"The bundle holds {len(infos)} entries; a model has a few.")
            for info in infos:
                archives.path_parts(info)
                archives.check_member(info, LIMITS)
        except archives.ArchiveError as error:
            raise BundleError(f"The bundle is refused: {error}") from None
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            twice = sorted({name for name in names if names.count(name) > 1})
            raise BundleError(f"The bundle holds more than one {', '.join(twice)}: it was altered.")
        meta = read_manifest(archive, kinds)
        listed = {FOLDER + name for name in meta["files"]}
        present = {info.filename for info in infos} - {MANIFEST}
        if present != listed:
            extra = ", ".join(sorted(present - listed)) or "none"
            missing = ", ".join(sorted(listed - present)) or "none"
            raise BundleError(
                "The bundle's files are not those its bundle.json lists "
                f"(unlisted: {extra}; missing: {missing})."
            )
        files = {
            name: read_file(archive, name, listed_as) for name, listed_as in meta["files"].items()
        }
    return Bundle(meta, files)


def read_manifest(archive, kinds):
    try:
        meta = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BundleError(f"This zip is not a model bundle: it has no {MANIFEST}.") from None
    # NotImplementedError: a compression method zipfile cannot read (an altered header).
    except (ValueError, zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError):
        raise BundleError(f"The bundle's {MANIFEST} is damaged.") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BundleError(
            f"The bundle's format is {meta.get('format') if isinstance(meta, dict) else '?'!r}; "
            f"this site reads format {FORMAT}."
        )
    if meta.get("kind") not in kinds:
        raise BundleError(
            f"The bundle holds a {meta.get('kind')!r}; expected {' or '.join(kinds)}."
        )
    files = meta.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(name, str)
        and name
        and "/" not in name
        and "\\" not in name
        and name not in (".", "..")
        for name in files
    ):
        raise BundleError(f"The bundle's {MANIFEST} lists its files wrongly.")
    return meta


def read_file(archive, name, listed):
    try:
        info = archive.getinfo(FOLDER + name)
        if info.file_size != listed["size"]:
            raise BundleError(f"{name} is not the size bundle.json lists: the bundle was altered.")
        with archive.open(info) as stream:
            data = stream.read(listed["size"] + 1)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        KeyError,
        TypeError,
        zlib.error,
        NotImplementedError,
    ) as error:
        raise BundleError(
            f"{name} cannot be read from the bundle ({error}): it is damaged."
        ) from None
    if len(data) != listed["size"] or sha256(data) != listed["sha256"]:
        raise BundleError(
            f"{name} is not the file that was exported (its sha256 differs): the bundle is "
            "damaged or was altered."
        )
    return data
