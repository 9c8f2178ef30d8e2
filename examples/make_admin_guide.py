"""Writes examples/techdocs/admin-guide.pdf, the PDF part of the shipped technical-docs corpus.

Real manuals wrap their paragraphs across lines and pages; this one does too, so ingestion and
sentence segmentation are tried on what pypdf gives for such a file. Run it again after editing
the text: `python examples/make_admin_guide.py` (needs reportlab, a dev dependency).
"""

from __future__ import annotations

from pathlib import Path

SECTIONS: list[tuple[str, list[str]]] = [
    ("1. Encryption", [
        "Every Tidewater repository is encrypted with AES-256-GCM before any data leaves the "
        "machine. The encryption key is derived from the repository passphrase with Argon2id, "
        "using 64 MiB of memory and 3 iterations, so that guessing a passphrase is slow even on "
        "dedicated hardware.",
        "Chunk names are HMAC-SHA256 hashes of their contents. The storage provider therefore "
        "sees neither file names nor file contents, only encrypted chunks of similar sizes. "
        "Changing the passphrase with tide passwd re-encrypts the key, not the data, and takes "
        "a few seconds whatever the size of the repository.",
    ]),
    ("2. Storage backends", [
        "Tidewater supports three kinds of repository: a local folder, an SFTP server, and "
        "Amazon S3 or any S3-compatible service such as MinIO or Ceph. Google Drive and Dropbox "
        "are not supported as repositories.",
        "For S3, credentials are read from the standard AWS environment variables or from the "
        "file ~/.aws/credentials. For SFTP, Tidewater uses the keys of the running SSH agent and "
        "never asks for a password interactively during scheduled backups.",
    ]),
    ("3. Locking", [
        "Only one process may write to a repository at a time. A writer holds a lock file in "
        "the repository for as long as it runs. A lock older than 6 hours is considered stale: "
        "tide unlock removes it, after checking that no process on this machine still holds it.",
        "Readers such as tide restore and tide verify do not take the lock, so a restore can "
        "run while a backup is in progress.",
    ]),
    ("4. Monitoring", [
        "The command tide stats prints the size of the repository, the number of snapshots and "
        "the deduplication ratio. A typical laptop repository reaches a deduplication ratio "
        "between 3 and 5 after a month of daily backups.",
        "Each run appends one line of JSON to the log file tide.log in the configuration "
        "folder, with the start time, the duration, the bytes uploaded and the exit code, so "
        "that monitoring systems can alert on failed or missing backups.",
    ]),
    ("5. Performance tuning", [
        "On fast network links, raising parallel_uploads to 16 shortens large backups "
        "noticeably; beyond 16 the gain is small. Verifying a 1 TB repository takes about 40 "
        "minutes with tide verify and about 4 minutes with tide verify --sample 10.",
        "Backups of many small files are limited by the disk rather than by the network. "
        "Excluding build folders and caches with the exclude option is the most effective way "
        "to make them faster.",
    ]),
    ("6. Disaster recovery", [
        "Keep a copy of the passphrase offline, for example printed and stored in a safe: "
        "without it no snapshot can be restored, and the Tidewater project cannot recover it. "
        "The command tide copy copies a repository to another location; the snapshots keep "
        "their IDs, so scripts that refer to them keep working.",
    ]),
]

TABLE = [
    ["Command", "Takes the lock", "Reads every chunk"],
    ["tide backup", "yes", "no"],
    ["tide prune", "yes", "no"],
    ["tide restore", "no", "only those restored"],
    ["tide verify", "no", "yes"],
]


def build(path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Tidewater Administrator Guide",
                            author="The Tidewater Project", creator="make_admin_guide.py",
                            invariant=True)
    story: list = [Paragraph("Tidewater Administrator Guide", styles["Title"]),
                   Paragraph("For version 2.2, March 2025.", styles["Normal"]),
                   Spacer(1, 12)]
    for number, (heading, paragraphs) in enumerate(SECTIONS):
        if number in (2, 4):
            story.append(PageBreak())
        story.append(Paragraph(heading, styles["Heading2"]))
        for text in paragraphs:
            story.append(Paragraph(text, styles["BodyText"]))
            story.append(Spacer(1, 6))
        if number == 2:
            story.append(Table(TABLE, style=[("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    doc.build(story)
    # A real date in the metadata (reportlab's invariant mode writes 1 January 2000).
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(path)))
    writer.add_metadata({"/CreationDate": "D:20250310090000+00'00'",
                         "/ModDate": "D:20250310090000+00'00'"})
    writer.write(str(path))


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "techdocs" / "admin-guide.pdf")
