//! The tensor table: where each weight lies in the memory-mapped file, with its type and shape
//! checked against the map once at load. Matrices stay in the map (no copy); norms and biases
//! (a few KB) are converted to f32 once.

use candle_core::quantized::gguf_file::TensorInfo;

use super::super::gguf::GgufFile;
use super::kernels::{self, WeightType};
use crate::error::{ModelError, Result};

/// A weight matrix of `rows` rows of `cols` values, stored row after row in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Matrix {
    pub wtype: WeightType,
    pub rows: usize,
    pub cols: usize,
    /// Byte offset of row 0 in the file.
    pub offset: usize,
    pub row_bytes: usize,
}

impl Matrix {
    /// The bytes of rows `start..end` in `map` (the whole file).
    pub fn rows_bytes<'a>(&self, map: &'a [u8], start: usize, end: usize) -> Result<&'a [u8]> {
        let from = self.offset + start * self.row_bytes;
        let to = self.offset + end * self.row_bytes;
        map.get(from..to).ok_or_else(|| {
            ModelError::Inference(format!(
                "rows {start}..{end} of a weight lie outside the model file"
            ))
        })
    }
}

/// Looks tensors up by name in the header of `gguf`, checking them against a map of
/// `map_len` bytes.
pub(crate) struct TensorTable<'a> {
    gguf: &'a GgufFile,
    map_len: usize,
}

impl<'a> TensorTable<'a> {
    pub fn new(gguf: &'a GgufFile, map_len: usize) -> Self {
        Self { gguf, map_len }
    }

    fn info(&self, name: &str) -> Result<&'a TensorInfo> {
        self.gguf
            .content
            .tensor_infos
            .get(name)
            .ok_or_else(|| self.gguf.error(format!("tensor `{name}` is missing")))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.gguf.content.tensor_infos.contains_key(name)
    }

    /// The matrix `name` of `cols` columns (and `rows` rows when given).
    pub fn matrix(&self, name: &str, rows: Option<usize>, cols: usize) -> Result<Matrix> {
        let info = self.info(name)?;
        let dims = info.shape.dims();
        let (found_rows, found_cols) = match dims {
            [rows, cols] => (*rows, *cols),
            _ => {
                return Err(self.gguf.error(format!(
                    "tensor `{name}` should be a matrix, found shape {dims:?}"
                )));
            }
        };
        if found_cols != cols || rows.is_some_and(|rows| rows != found_rows) {
            return Err(self.gguf.error(format!(
                "tensor `{name}` has shape {dims:?}, expected [{}, {cols}]",
                rows.map_or_else(|| "_".to_string(), |rows| rows.to_string())
            )));
        }
        let wtype = self.weight_type(name, info)?;
        let row_bytes = wtype.row_bytes(cols).ok_or_else(|| {
            self.gguf.error(format!(
                "tensor `{name}` has rows of {cols} values, not a whole number of {} blocks",
                wtype.name()
            ))
        })?;
        let offset = self.data_start(name, info, found_rows.checked_mul(row_bytes))?;
        Ok(Matrix {
            wtype,
            rows: found_rows,
            cols,
            offset,
            row_bytes,
        })
    }

    /// The vector `name` of `len` values as f32 (norm weights, biases).
    pub fn vector(&self, map: &[u8], name: &str, len: usize) -> Result<Vec<f32>> {
        let info = self.info(name)?;
        let dims = info.shape.dims();
        if dims != [len] {
            return Err(self.gguf.error(format!(
                "tensor `{name}` has shape {dims:?}, expected [{len}]"
            )));
        }
        let wtype = self.weight_type(name, info)?;
        let bytes = wtype.row_bytes(len).ok_or_else(|| {
            self.gguf.error(format!(
                "tensor `{name}` of {len} values is not a whole number of {} blocks",
                wtype.name()
            ))
        })?;
        let offset = self.data_start(name, info, Some(bytes))?;
        let row = map.get(offset..offset + bytes).ok_or_else(|| {
            self.gguf
                .error(format!("tensor `{name}` lies outside the file"))
        })?;
        let mut values = vec![0.0; len];
        kernels::dequantize_row(wtype, row, &mut values);
        Ok(values)
    }

    /// `vector` when the file has `name`, else `None`.
    pub fn optional_vector(&self, map: &[u8], name: &str, len: usize) -> Result<Option<Vec<f32>>> {
        if self.contains(name) {
            self.vector(map, name, len).map(Some)
        } else {
            Ok(None)
        }
    }

    fn weight_type(&self, name: &str, info: &TensorInfo) -> Result<WeightType> {
        WeightType::from_ggml(info.ggml_dtype).ok_or_else(|| {
            self.gguf.error(format!(
                "tensor `{name}` has type {:?}, which the native engine does not run",
                info.ggml_dtype
            ))
        })
    }

    /// The file offset of the tensor's data, after checking that `bytes` of it fit in the map.
    fn data_start(&self, name: &str, info: &TensorInfo, bytes: Option<usize>) -> Result<usize> {
        let start = usize::try_from(self.gguf.content.tensor_data_offset)
            .ok()
            .and_then(|base| base.checked_add(usize::try_from(info.offset).ok()?));
        let end = start
            .zip(bytes)
            .and_then(|(start, bytes)| start.checked_add(bytes));
        match (start, end) {
            (Some(start), Some(end)) if end <= self.map_len => Ok(start),
            _ => Err(self.gguf.error(format!(
                "the file is truncated: tensor `{name}` lies past the end of the file ({} bytes)",
                self.map_len
            ))),
        }
    }
}
