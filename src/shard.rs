//! `--shard I/N`: one machine's share of an organisation's accounts.
//!
//! An account belongs to shard `hash(account id) mod N`, with the hash SHA-256 (stable across
//! versions, platforms and runs): adding or removing an account never moves any other account
//! to another shard, unlike a split by position in the list. Shards are numbered from 0, as
//! Kubernetes' `JOB_COMPLETION_INDEX` and AWS Batch's `AWS_BATCH_JOB_ARRAY_INDEX` are.

use serde::{Deserialize, Serialize};

/// The most shards faascan splits an organisation into.
pub(crate) const MAX_SHARDS: u32 = 10_000;

/// Shard `index` of `count` (0 ≤ index < count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub(crate) struct Shard {
    pub(crate) index: u32,
    pub(crate) count: u32,
}

impl Shard {
    /// Parses `I/N`; the message says what is wrong and what is expected.
    pub(crate) fn parse(text: &str) -> Result<Shard, String> {
        let shown = crate::input::shorten_for_message(text);
        let expected = "give I/N with 0 ≤ I < N (e.g. 0/4 … 3/4): shards are numbered from 0";
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard `{shown}`: {expected}"))?;
        let number = |part: &str| part.trim().parse::<u32>().ok();
        let (Some(index), Some(count)) = (number(index), number(count)) else {
            return Err(format!("--shard `{shown}`: {expected}"));
        };
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "--shard `{shown}`: N must be from 1 to {MAX_SHARDS}"
            ));
        }
        if index >= count {
            return Err(format!("--shard `{shown}`: {expected}"));
        }
        Ok(Shard { index, count })
    }

    /// The shard an account belongs to, out of `count`.
    pub(crate) fn of_account(account: &str, count: u32) -> u32 {
        let digest = ring::digest::digest(&ring::digest::SHA256, account.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest.as_ref()[..8]);
        (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
    }

    pub(crate) fn contains(self, account: &str) -> bool {
        Shard::of_account(account, self.count) == self.index
    }

    /// This shard's accounts, in the order given.
    pub(crate) fn select(self, accounts: &[String]) -> Vec<String> {
        accounts
            .iter()
            .filter(|a| self.contains(a))
            .cloned()
            .collect()
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(n: u64) -> Vec<String> {
        (0..n)
            .map(|i| format!("{:012}", 100_000_000_000 + i * 7919))
            .collect()
    }

    #[test]
    fn parsing_accepts_i_of_n_from_zero_and_refuses_the_rest() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse("3/4"), Ok(Shard { index: 3, count: 4 }));
        assert_eq!(Shard::parse("0/1"), Ok(Shard { index: 0, count: 1 }));
        for bad in [
            "4/4", "1/0", "0/0", "-1/4", "a/4", "1", "", "1/4/5", "0/10001", "1 of 4",
        ] {
            let err = Shard::parse(bad).err().unwrap_or_default();
            assert!(err.starts_with("--shard `"), "{bad}: {err}");
        }
    }

    #[test]
    fn shards_are_disjoint_cover_every_account_and_are_balanced() {
        let all = accounts(400);
        let count = 4;
        let shards: Vec<Vec<String>> = (0..count)
            .map(|index| Shard { index, count }.select(&all))
            .collect();
        let mut seen: Vec<&String> = shards.iter().flatten().collect();
        assert_eq!(seen.len(), all.len(), "every account in exactly one shard");
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), all.len());
        for shard in &shards {
            assert!((60..=140).contains(&shard.len()), "{}", shard.len());
        }
    }

    #[test]
    fn adding_an_account_moves_no_other_account() {
        let before = accounts(50);
        let mut after = before.clone();
        after.insert(0, "999999999999".to_owned());
        after.push("000000000001".to_owned());
        for index in 0..5 {
            let shard = Shard { index, count: 5 };
            let old = shard.select(&before);
            let new: Vec<String> = shard
                .select(&after)
                .into_iter()
                .filter(|a| before.contains(a))
                .collect();
            assert_eq!(old, new, "shard {shard}");
        }
        // The assignment is SHA-256 of the id, first 8 bytes big-endian, mod N: pinned (values
        // from Python's hashlib) so that a change of hash, which would reshuffle every
        // organisation's shards, shows.
        let pinned: Vec<u32> = ["111111111111", "222222222222", "333333333333"]
            .iter()
            .map(|a| Shard::of_account(a, 1000))
            .collect();
        assert_eq!(pinned, [226, 615, 324]);
    }
}
