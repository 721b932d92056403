#!/usr/bin/env python3
"""Writes the .npz fixtures of tests/io/test_npz.cpp and tests/cli (sketch_a_40x3.npz) the way
scipy.sparse.save_npz does, with the standard library only (no NumPy on the build machines):
a zip of .npy members (format b'csr' or b'csc', shape <i8, data <f8, indices and indptr <i4),
each written through ZipFile.open(name, 'w', force_zip64=True) as numpy.savez does, deflated
(save_npz's default, numpy.savez_compressed) or stored (compressed=False, numpy.savez).

Run from the repository root: python3 tests/io/data/make_npz.py
"""
import struct
import zipfile


def npy(descr, shape, payload):
    """A version 1.0 .npy file: the header dict padded with spaces to a multiple of 64 bytes."""
    shape_text = "()" if not shape else "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    total = 10 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + payload


def save_npz(path, fmt, shape, data, indices, indptr, compressed=True, drop=None):
    members = [
        ("indices.npy", npy("<i4", [len(indices)], struct.pack("<%di" % len(indices), *indices))),
        ("indptr.npy", npy("<i4", [len(indptr)], struct.pack("<%di" % len(indptr), *indptr))),
        ("format.npy", npy("|S3", [], fmt.encode("ascii"))),
        ("shape.npy", npy("<i8", [2], struct.pack("<2q", *shape))),
        ("data.npy", npy("<f8", [len(data)], struct.pack("<%dd" % len(data), *data))),
    ]
    members = [(n, c) for n, c in members if n != drop]
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, mode="w", compression=method, allowZip64=True) as z:
        for name, content in members:
            with z.open(name, "w", force_zip64=True) as f:
                f.write(content)


def csr_of(rows):
    data, indices, indptr = [], [], [0]
    for row in rows:
        for j, v in enumerate(row):
            if v != 0.0:
                data.append(v)
                indices.append(j)
        indptr.append(len(data))
    return data, indices, indptr


# 4 x 3 with an empty row:  [[1, 0, 2], [0, 0, 0], [0, -3.5, 0], [4, 0, 0.005]]
save_npz("tests/io/data/csr_4x3.npz", "csr", (4, 3), [1.0, 2.0, -3.5, 4.0, 0.005], [0, 2, 1, 0, 2], [0, 2, 2, 3, 5])
save_npz("tests/io/data/csr_4x3_stored.npz", "csr", (4, 3), [1.0, 2.0, -3.5, 4.0, 0.005], [0, 2, 1, 0, 2], [0, 2, 2, 3, 5], compressed=False)
save_npz("tests/io/data/csc_4x3.npz", "csc", (4, 3), [1.0, 4.0, -3.5, 2.0, 0.005], [0, 3, 2, 0, 3], [0, 2, 3, 5])
# Non-canonical CSR: entry (0, 1) stored twice (1 + 2), as scipy keeps it until sum_duplicates().
save_npz("tests/io/data/csr_duplicates_2x2.npz", "csr", (2, 2), [1.0, 2.0], [1, 1], [0, 2, 2])
# COO is refused (sampo reads CSR and CSC).
save_npz("tests/io/data/coo_2x2.npz", "coo", (2, 2), [1.0], [0], [0, 1, 1])

# Defects (tests/io/test_npz.cpp): offsets not from 0, a column index outside the shape, a NaN,
# no data member.
save_npz("tests/io/data/bad_indptr.npz", "csr", (2, 2), [1.0], [0], [1, 1, 1])
save_npz("tests/io/data/bad_index.npz", "csr", (2, 2), [1.0], [2], [0, 1, 1])
save_npz("tests/io/data/bad_nan.npz", "csr", (2, 2), [float("nan")], [0], [0, 1, 1])
save_npz("tests/io/data/bad_no_data.npz", "csr", (2, 2), [1.0], [0], [0, 1, 1], drop="data.npy")

# The CLI's 40 x 3 sketch matrix (tests/cli/data/sketch_a_40x3.csv) as CSR.
with open("tests/cli/data/sketch_a_40x3.csv") as f:
    rows = [[float(x) for x in line.split(",")] for line in f if line.strip()]
save_npz("tests/cli/data/sketch_a_40x3.npz", "csr", (len(rows), len(rows[0])), *csr_of(rows))
