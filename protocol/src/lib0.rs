//! lib0 primitives (var-uint, var-string, var-bytes): the byte layer of the Yjs wire format.
//!
//! The reader never allocates and never panics: every read checks the bytes that remain.

use thiserror::Error;

/// Why a byte sequence could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Lib0Error {
    #[error("unexpected end of message")]
    UnexpectedEnd,
    #[error("variable-length integer is too long")]
    VarIntOverflow,
    #[error("declared count {declared} cannot fit in the {remaining} bytes that remain")]
    CountTooLarge { declared: u64, remaining: usize },
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    #[error("value nested deeper than {0} levels")]
    TooDeep(usize),
    #[error("unknown tag {0}")]
    UnknownTag(u8),
    #[error("client id {0} is larger than 2^53")]
    ClientIdTooLarge(u64),
    #[error("{0} trailing bytes after the message")]
    TrailingBytes(usize),
    #[error("client {0} has more than one group of blocks in the update")]
    RepeatedClient(u64),
}

/// A cursor over a borrowed byte slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, position: 0 }
    }

    pub fn position(&self) -> usize {
        self.position
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn expect_end(&self) -> Result<(), Lib0Error> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(Lib0Error::TrailingBytes(n)),
        }
    }

    pub fn read_u8(&mut self) -> Result<u8, Lib0Error> {
        let byte = *self
            .bytes
            .get(self.position)
            .ok_or(Lib0Error::UnexpectedEnd)?;
        self.position += 1;
        Ok(byte)
    }

    pub fn read_exact(&mut self, len: usize) -> Result<&'a [u8], Lib0Error> {
        if len > self.remaining() {
            return Err(Lib0Error::UnexpectedEnd);
        }
        let slice = &self.bytes[self.position..self.position + len];
        self.position += len;
        Ok(slice)
    }

    pub fn skip(&mut self, len: usize) -> Result<(), Lib0Error> {
        self.read_exact(len).map(|_| ())
    }

    pub fn read_var_u64(&mut self) -> Result<u64, Lib0Error> {
        let mut value: u64 = 0;
        let mut shift = 0u32;
        loop {
            let byte = self.read_u8()?;
            if shift >= 64 || (shift == 63 && byte & 0x7f > 1) {
                return Err(Lib0Error::VarIntOverflow);
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    pub fn read_var_u32(&mut self) -> Result<u32, Lib0Error> {
        u32::try_from(self.read_var_u64()?).map_err(|_| Lib0Error::VarIntOverflow)
    }

    /// Reads a Yjs client id. Yjs ids are JavaScript safe integers (below 2^53); yrs asserts
    /// that in debug builds and silently folds larger ones in release builds, so they are
    /// refused here.
    pub fn read_client_id(&mut self) -> Result<u64, Lib0Error> {
        let id = self.read_var_u64()?;
        if id >= 1 << 53 {
            return Err(Lib0Error::ClientIdTooLarge(id));
        }
        Ok(id)
    }

    /// Skips a lib0 signed var-int (same continuation scheme as the unsigned one).
    pub fn skip_var_int(&mut self) -> Result<(), Lib0Error> {
        for _ in 0..10 {
            if self.read_u8()? & 0x80 == 0 {
                return Ok(());
            }
        }
        Err(Lib0Error::VarIntOverflow)
    }

    /// Reads a declared element count and checks that `count` elements of at least
    /// `min_element_bytes` each can fit in what remains. This is what stops a few bytes from
    /// declaring millions of elements and making a decoder reserve memory for them.
    pub fn read_count(&mut self, min_element_bytes: usize) -> Result<usize, Lib0Error> {
        let declared = self.read_var_u64()?;
        let remaining = self.remaining();
        let fits = declared
            .checked_mul(min_element_bytes.max(1) as u64)
            .is_some_and(|needed| needed <= remaining as u64);
        if !fits {
            return Err(Lib0Error::CountTooLarge {
                declared,
                remaining,
            });
        }
        Ok(declared as usize)
    }

    pub fn read_var_bytes(&mut self) -> Result<&'a [u8], Lib0Error> {
        let len = self.read_count(1)?;
        self.read_exact(len)
    }

    pub fn read_var_string(&mut self) -> Result<&'a str, Lib0Error> {
        std::str::from_utf8(self.read_var_bytes()?).map_err(|_| Lib0Error::InvalidUtf8)
    }
}

pub fn write_var_u64(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub fn write_var_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_var_u64(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

pub fn write_var_string(out: &mut Vec<u8>, text: &str) {
    write_var_bytes(out, text.as_bytes());
}

/// Bytes a var-uint of this value takes.
pub fn var_u64_len(value: u64) -> usize {
    (64 - value.max(1).leading_zeros() as usize).div_ceil(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_uint_round_trips_and_reports_its_length() {
        for value in [
            0u64,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u32::MAX as u64,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            write_var_u64(&mut out, value);
            assert_eq!(out.len(), var_u64_len(value), "length of {value}");
            let mut reader = Reader::new(&out);
            assert_eq!(reader.read_var_u64(), Ok(value));
            assert!(reader.is_empty());
        }
    }

    #[test]
    fn overlong_var_uint_is_an_error() {
        let bytes = [0xff; 11];
        assert_eq!(
            Reader::new(&bytes).read_var_u64(),
            Err(Lib0Error::VarIntOverflow)
        );
        let mut out = Vec::new();
        write_var_u64(&mut out, u32::MAX as u64 + 1);
        assert_eq!(
            Reader::new(&out).read_var_u32(),
            Err(Lib0Error::VarIntOverflow)
        );
    }

    #[test]
    fn count_larger_than_the_remaining_bytes_is_refused() {
        // FF FF FF 7A declares about 256 million elements with no bytes behind them.
        let bytes = [0xff, 0xff, 0xff, 0x7a];
        assert!(matches!(
            Reader::new(&bytes).read_count(1),
            Err(Lib0Error::CountTooLarge { .. })
        ));
        let bytes = [3, 1, 2, 3];
        assert_eq!(Reader::new(&bytes).read_count(1), Ok(3));
        assert!(Reader::new(&bytes).read_count(2).is_err());
    }
}
