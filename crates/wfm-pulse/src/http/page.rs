//! Cursor pagination of lists, newest first: the page size a client asks for, and the cursor
//! of the next page (the last id of a full page).

use super::error::ApiError;

/// A page size from the query: 1 to 1000, default 100.
pub fn page_size(limit: Option<u32>) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(100);
    if (1..=1000).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::bad("limit", "must be from 1 to 1000"))
    }
}

/// The cursor of the page after `items`: absent when the page is not full (the last one).
pub fn next_cursor<T>(items: &[T], limit: u32, id: impl Fn(&T) -> i64) -> Option<i64> {
    (items.len() == limit as usize)
        .then(|| items.last().map(id))
        .flatten()
}
