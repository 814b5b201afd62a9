//! The data types of MQTT 5's wire (spec 1.5): integers, variable byte
//! integers, UTF-8 strings and binary data, read from a slice that never reads
//! past its end, and written to a growing buffer.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// The packet ended inside a field.
    Truncated,
    /// A variable byte integer used more than four bytes.
    VarInt,
    /// A string that is not UTF-8, or holds U+0000 (spec 1.5.4).
    Utf8,
    UnknownProperty(u8),
    RepeatedProperty(u8),
    /// A packet type or flags the spec does not allow.
    PacketType(u8),
    /// A field with a value the spec does not allow, named.
    Invalid(&'static str),
    /// Bytes left over inside a packet after its last field.
    Trailing(usize),
}

/// Spec 1.5.4: an MQTT string holds no U+0000 (Rust's strings are UTF-8
/// already). A broker closes the connection on one, so nothing we encode may
/// hold it either.
pub fn is_text(s: &str) -> bool {
    !s.contains('\0')
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Truncated => f.write_str("the packet ends inside a field"),
            WireError::VarInt => f.write_str("a variable byte integer longer than 4 bytes"),
            WireError::Utf8 => f.write_str("a string that is not valid UTF-8 or holds U+0000"),
            WireError::UnknownProperty(p) => write!(f, "unknown property 0x{p:02X}"),
            WireError::RepeatedProperty(p) => write!(f, "property 0x{p:02X} appears twice"),
            WireError::PacketType(b) => write!(f, "first byte 0x{b:02X} is no MQTT packet"),
            WireError::Invalid(what) => write!(f, "invalid {what}"),
            WireError::Trailing(n) => write!(f, "{n} bytes left over inside the packet"),
        }
    }
}

pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.pos.checked_add(n).ok_or(WireError::Truncated)?;
        let bytes = self.buf.get(self.pos..end).ok_or(WireError::Truncated)?;
        self.pos = end;
        Ok(bytes)
    }

    /// A reader over the next `n` bytes, which this one skips.
    pub fn sub(&mut self, n: usize) -> Result<Reader<'a>, WireError> {
        self.take(n).map(Reader::new)
    }

    pub fn rest(&mut self) -> &'a [u8] {
        let bytes = &self.buf[self.pos.min(self.buf.len())..];
        self.pos = self.buf.len();
        bytes
    }

    pub fn byte(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, WireError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Result<u32, WireError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn varint(&mut self) -> Result<u32, WireError> {
        let mut value = 0u32;
        for i in 0..4 {
            let byte = self.byte()?;
            value |= u32::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(WireError::VarInt)
    }

    pub fn binary(&mut self) -> Result<Vec<u8>, WireError> {
        let n = self.u16()?;
        Ok(self.take(n.into())?.to_vec())
    }

    pub fn text(&mut self) -> Result<String, WireError> {
        let n = self.u16()?;
        let bytes = self.take(n.into())?;
        let s = std::str::from_utf8(bytes).map_err(|_| WireError::Utf8)?;
        if !is_text(s) {
            return Err(WireError::Utf8);
        }
        Ok(s.to_owned())
    }

    /// Every byte must have been read.
    pub fn finish(&self) -> Result<(), WireError> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(WireError::Trailing(n)),
        }
    }
}

#[derive(Default)]
pub struct Writer(Vec<u8>);

impl Writer {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    pub fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }

    pub fn u16(&mut self, n: u16) {
        self.bytes(&n.to_be_bytes());
    }

    pub fn u32(&mut self, n: u32) {
        self.bytes(&n.to_be_bytes());
    }

    pub fn varint(&mut self, mut n: u32) {
        loop {
            let mut byte = (n & 0x7f) as u8;
            n >>= 7;
            if n > 0 {
                byte |= 0x80;
            }
            self.byte(byte);
            if n == 0 {
                return;
            }
        }
    }

    /// Strings and binary data longer than 65,535 bytes are cut there: the
    /// session refuses such input before it gets here.
    pub fn binary(&mut self, b: &[u8]) {
        let b = &b[..b.len().min(usize::from(u16::MAX))];
        self.u16(b.len() as u16);
        self.bytes(b);
    }

    pub fn text(&mut self, s: &str) {
        self.binary(s.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_byte_integers_match_the_specs_table() {
        // Spec 1.5.5: 0 → 0x00, 127 → 0x7F, 128 → 0x80 0x01,
        // 16,383 → 0xFF 0x7F, 268,435,455 → 0xFF 0xFF 0xFF 0x7F.
        for (n, bytes) in [
            (0, &[0x00][..]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xff, 0x7f]),
            (268_435_455, &[0xff, 0xff, 0xff, 0x7f]),
        ] {
            let mut w = Writer::default();
            w.varint(n);
            assert_eq!(w.into_bytes(), bytes);
            assert_eq!(Reader::new(bytes).varint(), Ok(n));
        }
        assert_eq!(
            Reader::new(&[0xff, 0xff, 0xff, 0xff, 0x01]).varint(),
            Err(WireError::VarInt)
        );
    }

    #[test]
    fn a_string_with_a_nul_or_bad_utf8_is_refused() {
        assert_eq!(
            Reader::new(&[0x00, 0x01, 0x00]).text(),
            Err(WireError::Utf8)
        );
        assert_eq!(
            Reader::new(&[0x00, 0x01, 0xff]).text(),
            Err(WireError::Utf8)
        );
        assert_eq!(
            Reader::new(&[0x00, 0x05, b'a']).text(),
            Err(WireError::Truncated)
        );
    }
}
