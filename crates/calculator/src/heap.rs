//! A small allocator for the browser bundle. std's default on wasm32 (dlmalloc) is about 6 KB
//! of code; this one is a few hundred bytes, which matters for the 60 KB budget.
//!
//! Every block is a power of two (at least 8 bytes) and naturally aligned. Freed blocks go on a
//! free list per size and are reused for the same size; fresh blocks come from a bump pointer
//! over pages obtained with `memory.grow`. Blocks are never split or merged, so at most half of
//! a block is wasted: fine for a form that builds a few dozen short strings per keystroke.
//! wasm32-unknown-unknown without the atomics feature is single-threaded, so no locking.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;

const PAGE: usize = 65536;
/// Size classes 2^3 .. 2^31.
const CLASSES: usize = 32;

struct State {
    free: [usize; CLASSES],
    next: usize,
    end: usize,
}

/// The allocator (see the module docs).
pub(crate) struct Heap(UnsafeCell<State>);

// SAFETY: wasm32-unknown-unknown (without the atomics target feature) runs one thread.
unsafe impl Sync for Heap {}

impl Heap {
    pub(crate) const fn new() -> Heap {
        Heap(UnsafeCell::new(State {
            free: [0; CLASSES],
            next: 0,
            end: 0,
        }))
    }
}

/// The size class of a layout: log2 of the block size.
fn class(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(8);
    let block = size.checked_next_power_of_two()?;
    let class = block.trailing_zeros() as usize;
    (class < CLASSES).then_some(class)
}

unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class(layout) else {
            return ptr::null_mut();
        };
        // SAFETY: single-threaded, and no reference into the state outlives this call.
        let s = unsafe { &mut *self.0.get() };
        let head = s.free[class];
        if head != 0 {
            // SAFETY: a free block's first word holds the next free block of its class.
            s.free[class] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        let size = 1usize << class;
        // Blocks of a page or more only need page alignment (layouts never ask for more).
        let align = size.min(PAGE);
        let aligned = |p: usize| p.checked_add(align - 1).map(|q| q & !(align - 1));
        let fits = |start: Option<usize>, end: usize| {
            start.is_some_and(|st| end.checked_sub(st).is_some_and(|room| room >= size))
        };
        let mut start = aligned(s.next);
        if !fits(start, s.end) {
            let pages = size.div_ceil(PAGE);
            let old = core::arch::wasm32::memory_grow(0, pages);
            let Some(base) = old.checked_mul(PAGE).filter(|_| old != usize::MAX) else {
                return ptr::null_mut();
            };
            let Some(end) = base.checked_add(pages * PAGE) else {
                return ptr::null_mut();
            };
            let contiguous = base == s.end;
            s.end = end;
            start = aligned(s.next);
            if !contiguous || !fits(start, end) {
                start = Some(base);
            }
        }
        let Some(start) = start else {
            return ptr::null_mut();
        };
        s.next = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(class) = class(layout) else { return };
        // SAFETY: as in `alloc`; the block is at least 8 bytes and 8-aligned, so it can hold
        // the free-list link.
        let s = unsafe { &mut *self.0.get() };
        unsafe { *(block as *mut usize) = s.free[class] };
        s.free[class] = block as usize;
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `layout.align()` is valid and `new_size` does not
        // overflow when rounded to it.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class(layout) == class(new_layout) {
            return block;
        }
        // SAFETY: as for GlobalAlloc::realloc.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                ptr::copy_nonoverlapping(block, new, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
            new
        }
    }
}
