#!/usr/bin/env python3
"""The API table of docs/bring-up.md ("Bring your own driver"), generated from
the kernel-C headers: for each header, the functions and function-like macros
it provides to a C driver (static inlines, declarations, #defines; names
starting with "__" or "dmacosim" are internals and left out).

  c_api_table.py --write docs/bring-up.md   rewrite the table in place
  c_api_table.py --check docs/bring-up.md   exit 1 (and a diff) if it is stale
  c_api_table.py                            print the table
The table sits between the lines <!-- c-api-table:begin --> and
<!-- c-api-table:end -->.
"""
import difflib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER_DIRS = [
    ("driver/include/linux", "linux/"),
    ("driver/include/drivers-dma", '"'),   # drivers/dma/dmaengine.h, private
    ("driver/include/virt-dma", '"'),      # drivers/dma/virt-dma.h
]
BEGIN = "<!-- c-api-table:begin -->"
END = "<!-- c-api-table:end -->"

DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)(\()?")
INLINE = re.compile(r"^static\s+inline\s+[^(]*?\b([A-Za-z_]\w*)\s*\(")
DECL = re.compile(r"^(?:extern\s+)?(?:const\s+)?(?:(?:struct|enum)\s+)?\w+[\s*]+(?:__iomem\s*\*?\s*)?([A-Za-z_]\w*)\s*\(")


def internal(name):
    return name.startswith("__") or name.lower().startswith("dmacosim") or name.startswith("_LINUX")


def names_of(path):
    names = []
    for line in open(path, encoding="utf-8"):
        m = DEFINE.match(line)
        if m:
            name, fn = m.group(1), m.group(2)
            # function-like macros, and lowercase object-like ones (jiffies)
            if (fn or name.islower()) and not internal(name) and not name.endswith("_H"):
                names.append(name)
            continue
        if line.startswith(("typedef", "#", " ", "\t", "}", "return")):
            continue
        m = INLINE.match(line) or DECL.match(line)
        if m and not internal(m.group(1)):
            names.append(m.group(1))
    seen = set()
    return [n for n in names if not (n in seen or seen.add(n))]


def table():
    rows = ["| header | functions and macros |", "|---|---|"]
    for d, style in HEADER_DIRS:
        for f in sorted(os.listdir(os.path.join(ROOT, d))):
            if not f.endswith(".h"):
                continue
            names = names_of(os.path.join(ROOT, d, f))
            if not names:
                continue
            hdr = "<linux/%s>" % f if style == "linux/" else '"%s" (drivers/dma)' % f
            rows.append("| `%s` | %s |" % (hdr, ", ".join("`%s`" % n for n in names)))
    return "\n".join(rows) + "\n"


def splice(doc, tbl):
    i, j = doc.find(BEGIN), doc.find(END)
    if i < 0 or j < i:
        sys.exit("c_api_table: no %s ... %s block in the document" % (BEGIN, END))
    return doc[: i + len(BEGIN)] + "\n" + tbl + doc[j:]


def main(argv):
    tbl = table()
    if len(argv) == 1:
        sys.stdout.write(tbl)
        return 0
    if len(argv) != 3 or argv[1] not in ("--check", "--write"):
        sys.exit(__doc__)
    doc = open(argv[2], encoding="utf-8").read()
    new = splice(doc, tbl)
    if argv[1] == "--write":
        open(argv[2], "w", encoding="utf-8").write(new)
        return 0
    if new != doc:
        sys.stdout.writelines(difflib.unified_diff(doc.splitlines(True), new.splitlines(True), argv[2], "generated"))
        print("c_api_table: the API table in %s is not what the headers provide; "
              "run scripts/c_api_table.py --write %s" % (argv[2], argv[2]))
        return 1
    print("c_api_table: %s matches the headers" % argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
