"""Rewrites an SMC (HDF5) file with h5py the way researchers' pipelines do.

Usage: python3 rewriteSmc.py SRC DST VARIANT
  userblock  every object copied as it is (h5py's copy) into a file with a 512-byte user block
  float16    copied as it is, plus a float16 root attribute `extra_half`
  lzf, gzip  every dataset rewritten chunked with that compression (scalars stay contiguous: HDF5
             cannot chunk them); attributes and groups as they were
"""

import sys

import h5py
import numpy as np

src_path, dst_path, variant = sys.argv[1:4]


def copy_attrs(src, dst):
    for name in src.attrs:
        aid = src.attrs.get_id(name)
        dst.attrs.create(name, src.attrs[name], dtype=aid.dtype)


def rewrite(src, dst, compression):
    for name, obj in src.items():
        if isinstance(obj, h5py.Group):
            g = dst.create_group(name)
            copy_attrs(obj, g)
            rewrite(obj, g, compression)
        else:
            data = obj[()]
            opts = {}
            if obj.shape and int(np.prod(obj.shape)) > 0:
                opts = {'chunks': True, 'compression': compression}
            d = dst.create_dataset(name, data=data, dtype=obj.dtype, **opts)
            copy_attrs(obj, d)


with h5py.File(src_path, 'r') as src:
    kw = {'userblock_size': 512} if variant == 'userblock' else {}
    with h5py.File(dst_path, 'w', **kw) as dst:
        copy_attrs(src, dst)
        if variant in ('lzf', 'gzip'):
            rewrite(src, dst, variant)
        else:
            for name in src:
                src.copy(src[name], dst, name=name)
        if variant == 'float16':
            dst.attrs['extra_half'] = np.float16(0.5)
