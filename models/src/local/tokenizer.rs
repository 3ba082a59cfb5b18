//! The tokenizer a GGUF file carries in its metadata (`tokenizer.ggml.*`), rebuilt as a
//! byte-level BPE with the `tokenizers` crate, plus the byte pieces each token decodes to.

use std::collections::HashMap;

use tokenizers::models::bpe::{BPE, Merges, Vocab};
use tokenizers::pre_tokenizers::PreTokenizerWrapper;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{AddedToken, SplitDelimiterBehavior, Tokenizer};

use super::gguf::GgufFile;
use crate::error::{ModelError, Result};

/// What a vocabulary entry is (llama.cpp's `llama_token_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    Undefined,
    Normal,
    Unknown,
    /// Markup such as `<|im_start|>`: recognised in templated text only, never printed.
    Control,
    /// Added text tokens (`<tool_call>`): always recognised, printed as they are.
    UserDefined,
    Unused,
    Byte,
}

impl TokenType {
    fn from_code(code: i64) -> Self {
        match code {
            1 => TokenType::Normal,
            2 => TokenType::Unknown,
            3 => TokenType::Control,
            4 => TokenType::UserDefined,
            5 => TokenType::Unused,
            6 => TokenType::Byte,
            _ => TokenType::Undefined,
        }
    }
}

/// The pre-tokenizer families of `tokenizer.ggml.pre`: they differ in the regex that splits text
/// into words before BPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreTokenizer {
    /// GPT-2's regex (`gpt-2`, `default`, and files without `tokenizer.ggml.pre`).
    Gpt2,
    /// Llama 3's regex: case-insensitive contractions, numbers in groups of up to three.
    Llama3,
    /// Qwen2's regex: like Llama 3 but every digit on its own.
    Qwen2,
    /// GPT-2's regex after splitting every digit apart (StarCoder, Refact, SmolLM).
    Gpt2SplitDigits,
}

impl PreTokenizer {
    const NAMES: [(&'static str, PreTokenizer); 20] = [
        ("default", PreTokenizer::Gpt2),
        ("gpt-2", PreTokenizer::Gpt2),
        ("gpt2", PreTokenizer::Gpt2),
        ("phi-2", PreTokenizer::Gpt2),
        ("roberta-bpe", PreTokenizer::Gpt2),
        ("llama3", PreTokenizer::Llama3),
        ("llama-v3", PreTokenizer::Llama3),
        ("llama-bpe", PreTokenizer::Llama3),
        ("falcon3", PreTokenizer::Llama3),
        ("dbrx", PreTokenizer::Llama3),
        ("smaug-bpe", PreTokenizer::Llama3),
        ("qwen2", PreTokenizer::Qwen2),
        ("deepseek-r1-qwen", PreTokenizer::Qwen2),
        ("megrez", PreTokenizer::Qwen2),
        ("starcoder", PreTokenizer::Gpt2SplitDigits),
        ("refact", PreTokenizer::Gpt2SplitDigits),
        ("command-r", PreTokenizer::Gpt2SplitDigits),
        ("smollm", PreTokenizer::Gpt2SplitDigits),
        ("codeshell", PreTokenizer::Gpt2SplitDigits),
        ("exaone", PreTokenizer::Gpt2SplitDigits),
    ];

    /// The family of a `tokenizer.ggml.pre` value; `None` for names this backend does not know.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, kind)| *kind)
    }

    fn wrapper(self) -> Result<PreTokenizerWrapper> {
        const LLAMA3: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
        const QWEN2: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
        let split = |pattern: &str| -> Result<PreTokenizerWrapper> {
            Split::new(
                SplitPattern::Regex(pattern.to_string()),
                SplitDelimiterBehavior::Isolated,
                false,
            )
            .map(PreTokenizerWrapper::Split)
            .map_err(|error| ModelError::Inference(format!("pre-tokenizer regex: {error}")))
        };
        let bytes_only = PreTokenizerWrapper::ByteLevel(ByteLevel::new(false, false, false));
        let gpt2 = PreTokenizerWrapper::ByteLevel(ByteLevel::new(false, false, true));
        Ok(match self {
            PreTokenizer::Gpt2 => gpt2,
            PreTokenizer::Llama3 => {
                PreTokenizerWrapper::Sequence(Sequence::new(vec![split(LLAMA3)?, bytes_only]))
            }
            PreTokenizer::Qwen2 => {
                PreTokenizerWrapper::Sequence(Sequence::new(vec![split(QWEN2)?, bytes_only]))
            }
            PreTokenizer::Gpt2SplitDigits => {
                PreTokenizerWrapper::Sequence(Sequence::new(vec![split(r"\p{N}")?, gpt2]))
            }
        })
    }
}

/// A GGUF model's tokenizer: text to ids (BPE) and ids to bytes.
pub struct GgufTokenizer {
    bpe: Tokenizer,
    tokens: Vec<String>,
    token_types: Vec<TokenType>,
    /// The bytes each token prints as (empty for control tokens).
    pieces: Vec<Vec<u8>>,
    /// Control tokens by text, longest first, for finding them in templated text.
    control_tokens: Vec<(String, u32)>,
    ids_by_text: HashMap<String, u32>,
    bos: Option<u32>,
    eos: Option<u32>,
    end_of_generation: Vec<u32>,
    add_bos: bool,
    pre_tokenizer: PreTokenizer,
}

impl GgufTokenizer {
    /// Builds the tokenizer from `tokenizer.ggml.*` metadata. Only byte-level BPE (`gpt2`) is
    /// supported; SentencePiece (`llama`) vocabularies are refused with a clear error.
    pub(crate) fn from_gguf(gguf: &GgufFile) -> Result<Self> {
        let model = gguf.string("tokenizer.ggml.model")?;
        match model {
            "gpt2" => {}
            "llama" => {
                return Err(gguf.error(
                    "SentencePiece tokenizers (tokenizer.ggml.model = llama) are not supported yet; \
                     byte-level BPE models (gpt2: Llama 3, Qwen2.5, Qwen3) are",
                ));
            }
            other => {
                return Err(gguf.error(format!(
                    "tokenizer model `{other}` is not supported (supported: gpt2)"
                )));
            }
        }
        let pre_name = gguf
            .optional_string("tokenizer.ggml.pre")
            .unwrap_or("default");
        let pre_tokenizer = PreTokenizer::from_name(pre_name).ok_or_else(|| {
            let known: Vec<&str> = PreTokenizer::NAMES.iter().map(|(name, _)| *name).collect();
            gguf.error(format!(
                "unknown pre-tokenizer `{pre_name}` (tokenizer.ggml.pre; known: {})",
                known.join(", ")
            ))
        })?;

        let tokens: Vec<String> = gguf
            .string_array("tokenizer.ggml.tokens")?
            .into_iter()
            .map(str::to_string)
            .collect();
        let vocab_size = tokens.len();
        let token_types = match gguf.optional_integer_array("tokenizer.ggml.token_type")? {
            Some(codes) if codes.len() == vocab_size => {
                codes.into_iter().map(TokenType::from_code).collect()
            }
            Some(codes) => {
                return Err(gguf.error(format!(
                    "tokenizer.ggml.token_type has {} entries for {vocab_size} tokens",
                    codes.len()
                )));
            }
            None => vec![TokenType::Normal; vocab_size],
        };
        let merges: Merges = gguf
            .string_array("tokenizer.ggml.merges")?
            .into_iter()
            .map(|merge| {
                split_merge(merge).ok_or_else(|| gguf.error(format!("malformed merge `{merge}`")))
            })
            .collect::<Result<_>>()?;

        let token_id = |key: &str| -> Result<Option<u32>> {
            match gguf.optional_u32(key)? {
                Some(id) if (id as usize) < vocab_size => Ok(Some(id)),
                Some(id) => Err(gguf.error(format!(
                    "{key} = {id} is outside the vocabulary of {vocab_size} tokens"
                ))),
                None => Ok(None),
            }
        };
        let bos = token_id("tokenizer.ggml.bos_token_id")?;
        let eos = token_id("tokenizer.ggml.eos_token_id")?;
        let eot = token_id("tokenizer.ggml.eot_token_id")?;
        let eom = token_id("tokenizer.ggml.eom_token_id")?;
        let add_bos = gguf
            .optional_bool("tokenizer.ggml.add_bos_token")
            .unwrap_or(pre_tokenizer == PreTokenizer::Llama3);

        // llama.cpp keeps the last id of a repeated text; so does this map.
        let mut ids_by_text = HashMap::with_capacity(vocab_size);
        for (id, text) in tokens.iter().enumerate() {
            ids_by_text.insert(text.clone(), id as u32);
        }
        let vocab: Vocab = ids_by_text
            .iter()
            .map(|(text, id)| (text.clone(), *id))
            .collect();
        let bpe_model = BPE::builder()
            .vocab_and_merges(vocab, merges)
            .ignore_merges(pre_tokenizer == PreTokenizer::Llama3)
            .build()
            .map_err(|error| gguf.error(format!("cannot build the BPE tokenizer: {error}")))?;
        let mut bpe = Tokenizer::new(bpe_model);
        bpe.with_pre_tokenizer(Some(pre_tokenizer.wrapper()?));
        let user_defined: Vec<AddedToken> = tokens
            .iter()
            .zip(&token_types)
            .filter(|(_, kind)| **kind == TokenType::UserDefined)
            .map(|(text, _)| AddedToken::from(text.clone(), false).normalized(false))
            .collect();
        bpe.add_tokens(user_defined)
            .map_err(|error| gguf.error(format!("cannot add user-defined tokens: {error}")))?;

        let mut control_tokens: Vec<(String, u32)> = tokens
            .iter()
            .zip(&token_types)
            .enumerate()
            .filter(|(_, (text, kind))| **kind == TokenType::Control && !text.is_empty())
            .map(|(id, (text, _))| (text.clone(), id as u32))
            .collect();
        control_tokens.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));

        let table = byte_level_table();
        let pieces = tokens
            .iter()
            .zip(&token_types)
            .map(|(text, kind)| match kind {
                TokenType::Normal | TokenType::Undefined => byte_level_decode(&table, text),
                TokenType::UserDefined => text.as_bytes().to_vec(),
                TokenType::Control | TokenType::Unknown | TokenType::Unused | TokenType::Byte => {
                    Vec::new()
                }
            })
            .collect();

        let mut end_of_generation: Vec<u32> = [eos, eot, eom].into_iter().flatten().collect();
        for marker in END_OF_GENERATION_TEXTS {
            if let Some(&id) = ids_by_text.get(marker)
                && matches!(
                    token_types[id as usize],
                    TokenType::Control | TokenType::UserDefined
                )
            {
                end_of_generation.push(id);
            }
        }
        end_of_generation.sort_unstable();
        end_of_generation.dedup();

        Ok(Self {
            bpe,
            tokens,
            token_types,
            pieces,
            control_tokens,
            ids_by_text,
            bos,
            eos,
            end_of_generation,
            add_bos,
            pre_tokenizer,
        })
    }

    /// Tokenizes `text`. With `parse_special`, control tokens written in the text (as a chat
    /// template writes `<|im_start|>`) become their ids; without, they are plain text.
    /// No BOS is added.
    pub fn encode(&self, text: &str, parse_special: bool) -> Result<Vec<u32>> {
        if !parse_special || self.control_tokens.is_empty() {
            return self.encode_plain(text);
        }
        let mut ids = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match self.find_control_token(rest) {
                Some((start, length, id)) => {
                    ids.extend(self.encode_plain(&rest[..start])?);
                    ids.push(id);
                    rest = &rest[start + length..];
                }
                None => {
                    ids.extend(self.encode_plain(rest)?);
                    break;
                }
            }
        }
        Ok(ids)
    }

    /// Tokenizes a rendered chat prompt: control tokens parsed, and a BOS in front when the
    /// model asks for one and the template did not write it.
    pub fn encode_prompt(&self, text: &str) -> Result<Vec<u32>> {
        let mut ids = self.encode(text, true)?;
        if let Some(bos) = self.bos
            && self.add_bos
            && ids.first() != Some(&bos)
        {
            ids.insert(0, bos);
        }
        Ok(ids)
    }

    /// The bytes `id` prints as: empty for control tokens and ids outside the vocabulary.
    pub fn token_bytes(&self, id: u32) -> &[u8] {
        self.pieces
            .get(id as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The printable text of `ids` (invalid UTF-8 replaced).
    pub fn decode(&self, ids: &[u32]) -> String {
        let bytes: Vec<u8> = ids
            .iter()
            .flat_map(|&id| self.token_bytes(id).iter().copied())
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The vocabulary entry of `id`, as stored in the file.
    pub fn token_text(&self, id: u32) -> Option<&str> {
        self.tokens.get(id as usize).map(String::as_str)
    }

    /// The id of the vocabulary entry `text`.
    pub fn token_id(&self, text: &str) -> Option<u32> {
        self.ids_by_text.get(text).copied()
    }

    pub fn token_type(&self, id: u32) -> Option<TokenType> {
        self.token_types.get(id as usize).copied()
    }

    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }

    pub fn bos_token_id(&self) -> Option<u32> {
        self.bos
    }

    pub fn eos_token_id(&self) -> Option<u32> {
        self.eos
    }

    /// Whether prompts start with BOS (`tokenizer.ggml.add_bos_token`).
    pub fn adds_bos_token(&self) -> bool {
        self.add_bos
    }

    pub fn pre_tokenizer(&self) -> PreTokenizer {
        self.pre_tokenizer
    }

    /// The ids that end an answer: EOS, EOT, EOM and end-of-turn markers such as `<|im_end|>`.
    pub fn end_of_generation_ids(&self) -> &[u32] {
        &self.end_of_generation
    }

    pub fn is_end_of_generation(&self, id: u32) -> bool {
        self.end_of_generation.binary_search(&id).is_ok()
    }

    fn encode_plain(&self, text: &str) -> Result<Vec<u32>> {
        if text.is_empty() {
            return Ok(Vec::new());
        }
        self.bpe
            .encode(text, false)
            .map(|encoding| encoding.get_ids().to_vec())
            .map_err(|error| ModelError::InvalidRequest(format!("cannot tokenize: {error}")))
    }

    /// The leftmost control token in `text`, the longest one where several start there:
    /// (byte offset, byte length, id).
    fn find_control_token(&self, text: &str) -> Option<(usize, usize, u32)> {
        let mut best: Option<(usize, usize, u32)> = None;
        // Longest first, so on a tie the first found is kept.
        for (token, id) in &self.control_tokens {
            if let Some(start) = text.find(token.as_str())
                && best.is_none_or(|(best_start, _, _)| start < best_start)
            {
                best = Some((start, token.len(), *id));
            }
        }
        best
    }
}

/// Texts of end-of-turn markers that end generation when the vocabulary has them as special
/// tokens (the list llama.cpp uses).
const END_OF_GENERATION_TEXTS: [&str; 9] = [
    "<|eot_id|>",
    "<|im_end|>",
    "<|end|>",
    "<end_of_turn>",
    "<|endoftext|>",
    "<|eom_id|>",
    "<EOT>",
    "<|end_of_text|>",
    "</s>",
];

/// Splits a merge rule `a b` at its first space after the first character.
fn split_merge(merge: &str) -> Option<(String, String)> {
    let first_char = merge.chars().next()?.len_utf8();
    let space = merge[first_char..].find(' ')? + first_char;
    Some((merge[..space].to_string(), merge[space + 1..].to_string()))
}

/// GPT-2's bytes-to-unicode table reversed: printable bytes stand for themselves, the 68
/// others were moved to U+0100.. in byte order. Indexed by code point.
fn byte_level_table() -> Vec<Option<u8>> {
    let printable = |byte: u8| matches!(byte, 33..=126 | 161..=172 | 174..=255);
    let mut table = vec![None; 256 + 68];
    let mut next = 256;
    for byte in 0..=255u8 {
        if printable(byte) {
            table[usize::from(byte)] = Some(byte);
        } else {
            table[next] = Some(byte);
            next += 1;
        }
    }
    table
}

/// The bytes of a byte-level BPE token; a character outside the table is kept as its UTF-8.
fn byte_level_decode(table: &[Option<u8>], text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len());
    for character in text.chars() {
        match table.get(character as usize).copied().flatten() {
            Some(byte) => bytes.push(byte),
            None => {
                let mut buffer = [0u8; 4];
                bytes.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
            }
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_level_pieces_round_trip_the_gpt2_table() {
        let table = byte_level_table();
        assert_eq!(byte_level_decode(&table, "Ġhello"), b" hello");
        assert_eq!(byte_level_decode(&table, "Ċ"), b"\n");
        assert_eq!(byte_level_decode(&table, "ĉ"), b"\t");
        // "é" is two bytes, each mapped to a printable latin-1 character.
        assert_eq!(byte_level_decode(&table, "Ã©"), "é".as_bytes());
        assert_eq!(table['Ā' as usize], Some(0));
        assert_eq!(table['Ń' as usize], Some(173));
        assert_eq!(
            table.iter().flatten().count(),
            256,
            "every byte has one character"
        );
    }

    #[test]
    fn merges_split_at_the_first_inner_space() {
        assert_eq!(split_merge("Ġ t"), Some(("Ġ".into(), "t".into())));
        assert_eq!(split_merge("ab cd"), Some(("ab".into(), "cd".into())));
        assert_eq!(split_merge("abc"), None);
    }

    fn words(kind: PreTokenizer, text: &str) -> Vec<String> {
        use tokenizers::{OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer as _};
        let mut pretokenized = PreTokenizedString::from(text);
        kind.wrapper()
            .unwrap()
            .pre_tokenize(&mut pretokenized)
            .unwrap();
        pretokenized
            .get_splits(OffsetReferential::Original, OffsetType::Byte)
            .into_iter()
            .map(|(word, _, _)| word.to_string())
            .collect()
    }

    #[test]
    fn each_pre_tokenizer_splits_numbers_and_contractions_its_own_way() {
        let text = "x 12345 IT'S";
        assert_eq!(
            words(PreTokenizer::Gpt2, text),
            ["x", "Ġ12345", "ĠIT", "'", "S"]
        );
        assert_eq!(
            words(PreTokenizer::Llama3, text),
            ["x", "Ġ", "123", "45", "ĠIT", "'S"]
        );
        assert_eq!(
            words(PreTokenizer::Qwen2, text),
            ["x", "Ġ", "1", "2", "3", "4", "5", "ĠIT", "'S"]
        );
        assert_eq!(
            words(PreTokenizer::Gpt2SplitDigits, text),
            ["x", "Ġ", "1", "2", "3", "4", "5", "ĠIT", "'", "S"]
        );
        // Llama 3 glues line breaks to the punctuation before them; the last space of an
        // indentation goes with the word.
        assert_eq!(
            words(PreTokenizer::Llama3, "{\n    let"),
            ["{Ċ", "ĠĠĠ", "Ġlet"]
        );
    }

    #[test]
    fn pre_tokenizer_names_map_to_families() {
        assert_eq!(
            PreTokenizer::from_name("llama-bpe"),
            Some(PreTokenizer::Llama3)
        );
        assert_eq!(PreTokenizer::from_name("qwen2"), Some(PreTokenizer::Qwen2));
        assert_eq!(PreTokenizer::from_name("gpt-2"), Some(PreTokenizer::Gpt2));
        assert_eq!(PreTokenizer::from_name("klingon"), None);
        for (_, kind) in PreTokenizer::NAMES {
            assert!(kind.wrapper().is_ok());
        }
    }
}
