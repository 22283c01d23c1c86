#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""pinned_id.py PATH: the id of the BPF program pinned at PATH (a bpffs
file), for the shell tests; exit 1 if PATH holds none."""
import ctypes
import os
import sys

BPF_OBJ_GET, BPF_OBJ_GET_INFO_BY_FD = 7, 15
NR_BPF = 321                    # x86_64


def main(path):
    libc = ctypes.CDLL(None, use_errno=True)
    name = ctypes.create_string_buffer(path.encode())
    attr = (ctypes.c_uint64 * 16)()
    attr[0] = ctypes.addressof(name)
    fd = libc.syscall(NR_BPF, BPF_OBJ_GET, ctypes.byref(attr), 128)
    if fd < 0:
        return "%s: %s" % (path, os.strerror(ctypes.get_errno()))
    if not os.readlink("/proc/self/fd/%d" % fd).endswith("bpf-prog"):
        return "%s: not a program" % path
    info = (ctypes.c_uint32 * 64)()     # struct bpf_prog_info: type, id, ...
    attr = (ctypes.c_uint32 * 32)()
    attr[0] = fd                        # bpf_fd
    attr[1] = ctypes.sizeof(info)       # info_len
    ctypes.c_uint64.from_buffer(attr, 8).value = ctypes.addressof(info)
    if libc.syscall(NR_BPF, BPF_OBJ_GET_INFO_BY_FD, ctypes.byref(attr), 128):
        return "%s: %s" % (path, os.strerror(ctypes.get_errno()))
    print(info[1])
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Usage: pinned_id.py PATH")
    sys.exit(main(sys.argv[1]))
