"""Read a zip of class folders (CLASS/IMAGE, or TOP/CLASS/IMAGE) without trusting it.

Every member is checked when the zip is opened, before a byte of any is read: its path (no
absolute paths, no "..", no links or device files), the number of files, the sizes its header
declares and how much it claims to expand (zip bombs). Reading a member enforces the declared size
again, in case the header lies. Anything wrong raises ArchiveError with a message naming it.
"""

import stat
import zipfile
import zlib
from dataclasses import dataclass

CHUNK = 64 * 2**10
JUNK = frozenset({"__MACOSX", "Thumbs.db", "desktop.ini"})  # what zip tools and systems add


class ArchiveError(ValueError):
    """The zip cannot be used; the message is written for the person who sent it."""


@dataclass(frozen=True)
class Limits:
    files: int = 2000
    total_bytes: int = 2**30  # uncompressed, all members together
    member_bytes: int = 20 * 2**20  # uncompressed, one member
    ratio: int = 100  # uncompressed / compressed, above which a member is a bomb
    ratio_floor: int = 2**20  # members smaller than this may compress as well as they like


@dataclass(frozen=True)
class Member:
    label: str  # the class folder
    name: str  # the file name in it
    info: zipfile.ZipInfo


class ClassFolders:
    """An open zip whose members all passed the checks: `members`, and `read(member)`."""

    def __init__(self, source, limits=Limits()):
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise ArchiveError("This is not a zip file, or it is damaged.") from None
        try:
            self.members = check(self.zip.infolist(), limits)
        except ArchiveError:
            self.zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def __iter__(self):
        """(class, file name, bytes) of each member."""
        for member in self.members:
            yield member.label, member.name, self.read(member)

    def read(self, member):
        """The member's bytes; ArchiveError if they are more than its header declared."""
        declared = member.info.file_size
        data = bytearray()
        try:
            with self.zip.open(member.info) as stream:
                while chunk := stream.read(CHUNK):
                    data += chunk
                    if len(data) > declared:
                        raise ArchiveError(
                            f"'{member.info.filename}' holds more than the {declared:,} bytes "
                            "its header declares: the zip is forged or damaged."
                        )
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
            raise ArchiveError(
                f"'{member.info.filename}' cannot be read ({error}): the zip is damaged."
            ) from None
        return bytes(data)


def check(infos, limits):
    """The members to read, in zip order, or ArchiveError for the first problem found."""
    if len(infos) > limits.files:
        raise ArchiveError(
            f"The zip holds {len(infos):,} entries; at most {limits.files:,} are allowed. "
            "Split it into several."
        )
    files, total, compressed = [], 0, 0
    for info in infos:
        parts = path_parts(info)
        if info.is_dir() or any(part.startswith(".") or part in JUNK for part in parts):
            continue
        check_member(info, limits)
        total += info.file_size
        if total > limits.total_bytes:
            raise ArchiveError(
                f"The zip expands to more than {megabytes(limits.total_bytes)}, the limit. "
                "Split it into several."
            )
        compressed += info.compress_size
        files.append((parts, info))
    expansion = total / max(compressed, 1)
    if total > limits.ratio_floor and expansion > limits.ratio:
        raise ArchiveError(
            f"The zip expands {expansion:,.0f} times, more than {limits.ratio} times: refused as "
            "a zip bomb."
        )
    if not files:
        raise ArchiveError("The zip holds no images: put them in one folder per class.")
    tops = {parts[0] for parts, _ in files}
    wrapped = len(tops) == 1 and all(len(parts) == 3 for parts, _ in files)
    members = []
    for parts, info in files:
        inside = parts[1:] if wrapped else parts
        if len(inside) != 2:
            raise ArchiveError(
                f"'{info.filename}' is not in a class folder: the zip should hold one folder per "
                "class with the images in it (CLASS/IMAGE), or one folder holding those."
            )
        members.append(Member(inside[0], inside[1], info))
    return members


def path_parts(info):
    """The member's path as parts; ArchiveError for a path that would leave the folder."""
    name = info.filename
    # Some Windows tools write backslashes; a drive letter or a leading slash makes it absolute.
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        raise ArchiveError(f"'{name}' is an absolute path: refused.")
    if ".." in parts:
        raise ArchiveError(f"'{name}' points outside the folder (..): refused.")
    return [part for part in parts if part not in ("", ".")]


def check_member(info, limits):
    name = info.filename
    kind = stat.S_IFMT(info.external_attr >> 16)  # Unix file type; 0 when the tool set none
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ArchiveError(f"'{name}' is a symbolic link: refused.")
    if kind not in (0, stat.S_IFREG):
        raise ArchiveError(f"'{name}' is not a regular file: refused.")
    if info.flag_bits & 0x1:
        raise ArchiveError(f"'{name}' is encrypted: send a zip without a password.")
    if info.file_size > limits.member_bytes:
        raise ArchiveError(
            f"'{name}' is {megabytes(info.file_size)}, over the {megabytes(limits.member_bytes)} "
            "limit for one image."
        )
    expansion = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor and expansion > limits.ratio:
        raise ArchiveError(
            f"'{name}' expands {expansion:,.0f} times, more than {limits.ratio} times: refused "
            "as a zip bomb."
        )


def megabytes(size):
    return f"{size / 2**20:.3g} MB"
