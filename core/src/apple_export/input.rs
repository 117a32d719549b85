//! The byte side of the parser: characters XML 1.0 forbids replaced and counted, bytes counted for
//! progress, and the prologue (declaration and DTD) skipped.
//!
//! Real exports carry stray control characters (`\x0b` inside a source name) that make every
//! conforming XML reader stop, and the iOS 16 export's DTD is malformed. Both are dealt with here,
//! below the XML reader, so that the reader only ever sees a well-formed body:
//! - [`Sanitiser`] replaces each forbidden byte (C0 controls other than tab, line feed and carriage
//!   return) with a space. These bytes never occur inside a multi-byte UTF-8 sequence (continuation
//!   bytes are `0x80` and above), so a byte-wise replacement cannot corrupt text, and the length is
//!   unchanged, so every offset the parser reports is an offset into the original file.
//! - [`skip_prologue`] drops everything before `<HealthData`: the DTD is never parsed.

use std::io::{self, BufRead, Read};

/// The opening of the export's root element, where parsing starts.
pub(crate) const ROOT_MARK: &[u8] = b"<HealthData";

/// How far into the file `<HealthData` may start. A real prologue (declaration and DTD) is about
/// 10 kB; a file without the root element this early is not an export, and looking further would
/// read a multi-gigabyte file of something else to the end before saying so.
const MAX_PROLOGUE: u64 = 4 << 20;

/// Read size of the sanitiser: large enough that per-read overhead vanishes, small enough to stay
/// in cache.
const CAPACITY: usize = 256 << 10;

/// Why the input could not be opened as an export (before any record was read).
#[derive(Debug)]
pub(crate) enum PrologueError {
    /// Not a single byte.
    Empty,
    /// No `<HealthData` where the export has it.
    NoRoot,
    /// The input failed.
    Io(io::Error),
}

/// A buffered reader that replaces the characters XML 1.0 forbids with spaces and counts them, and
/// counts the bytes consumed.
pub(crate) struct Sanitiser<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    consumed: u64,
    invalid: u64,
    eof: bool,
}

impl<R: Read> Sanitiser<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; CAPACITY].into_boxed_slice(),
            pos: 0,
            filled: 0,
            consumed: 0,
            invalid: 0,
            eof: false,
        }
    }

    /// Bytes handed on so far.
    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Forbidden characters replaced so far (in the bytes read from the input, consumed or not).
    pub(crate) fn invalid(&self) -> u64 {
        self.invalid
    }

    /// Whether the input has ended.
    pub(crate) fn at_eof(&self) -> bool {
        self.eof && self.pos >= self.filled
    }
}

/// Whether XML 1.0 forbids the byte as a character (section 2.2, `Char`).
fn forbidden(byte: u8) -> bool {
    // Bitwise `&`, not `&&`: no branch per byte, so [`has_forbidden`] vectorises.
    (byte < 0x20) & (byte != b'\t') & (byte != b'\n') & (byte != b'\r')
}

/// Whether `bytes` holds a [`forbidden`] byte. Folded without a branch over blocks of 64 bytes,
/// which the compiler turns into vector compares: this scan sees every byte of an export, and
/// almost no block has one.
fn has_forbidden(bytes: &[u8]) -> bool {
    let mut blocks = bytes.chunks_exact(64);
    let found = blocks
        .by_ref()
        .any(|block| block.iter().fold(false, |any, &byte| any | forbidden(byte)));
    found || blocks.remainder().iter().any(|&byte| forbidden(byte))
}

impl<R: Read> BufRead for Sanitiser<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.filled && !self.eof {
            let n = loop {
                match self.inner.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.eof = n == 0;
            let chunk = &mut self.buf[..n];
            if has_forbidden(chunk) {
                for byte in chunk.iter_mut().filter(|byte| forbidden(**byte)) {
                    *byte = b' ';
                    self.invalid += 1;
                }
            }
            self.pos = 0;
            self.filled = n;
        }
        Ok(&self.buf[self.pos..self.filled])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.filled - self.pos);
        self.pos += amount;
        self.consumed += amount as u64;
    }
}

impl<R: Read> Read for Sanitiser<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Consumes the input up to and including [`ROOT_MARK`]; afterwards `consumed() -
/// ROOT_MARK.len()` is the offset of the root element in the file.
pub(crate) fn skip_prologue<R: Read>(input: &mut Sanitiser<R>) -> Result<(), PrologueError> {
    // Bytes of the mark matched so far, carried across reads. The mark holds one `<`, at its start,
    // so a mismatch restarts the match at this byte or not at all.
    let mut matched = 0;
    loop {
        if input.consumed() > MAX_PROLOGUE {
            return Err(PrologueError::NoRoot);
        }
        let chunk = input.fill_buf().map_err(PrologueError::Io)?;
        if chunk.is_empty() {
            return Err(if input.consumed() == 0 {
                PrologueError::Empty
            } else {
                PrologueError::NoRoot
            });
        }
        let mut found = None;
        for (i, &byte) in chunk.iter().enumerate() {
            if ROOT_MARK.get(matched) == Some(&byte) {
                matched += 1;
                if matched == ROOT_MARK.len() {
                    found = Some(i + 1);
                    break;
                }
            } else {
                matched = usize::from(byte == b'<');
            }
        }
        let length = chunk.len();
        match found {
            Some(end) => {
                input.consume(end);
                return Ok(());
            }
            None => input.consume(length),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader handing out `chunk` bytes at a time, to cross every boundary.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(self.1).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn forbidden_bytes_become_spaces_and_are_counted() {
        let mut s = Sanitiser::new(&b"a\x0bb\tc\x00\r\n\x1f\xc3\xa9"[..]);
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"a b\tc \r\n \xc3\xa9");
        assert_eq!(s.invalid(), 3);
        assert_eq!(s.consumed(), 11);
        assert!(s.at_eof());
    }

    #[test]
    fn prologue_is_skipped_across_read_boundaries() {
        let doc = b"<?xml version=\"1.0\"?><!DOCTYPE HealthData [ <!ATTLIST x ]>\n<HealthData locale=\"x\">";
        for chunk in 1..8 {
            let mut s = Sanitiser::new(Trickle(doc, chunk));
            skip_prologue(&mut s).unwrap();
            let root = s.consumed() as usize - ROOT_MARK.len();
            assert_eq!(&doc[root..root + ROOT_MARK.len()], ROOT_MARK);
            let mut rest = String::new();
            s.read_to_string(&mut rest).unwrap();
            assert_eq!(rest, " locale=\"x\">");
        }
    }

    #[test]
    fn a_file_without_the_root_is_refused() {
        let mut s = Sanitiser::new(&b""[..]);
        assert!(matches!(skip_prologue(&mut s), Err(PrologueError::Empty)));
        let mut s = Sanitiser::new(&b"<html><HealthDat"[..]);
        assert!(matches!(skip_prologue(&mut s), Err(PrologueError::NoRoot)));
    }
}
