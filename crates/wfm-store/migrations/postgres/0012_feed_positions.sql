-- How far each followed file has been read (Asterisk's queue_log): the file, by device and
-- inode, the byte after the last whole line taken and that line's number. A restart
-- resumes from here.
CREATE TABLE feed_positions (
    feed TEXT PRIMARY KEY,
    file_id TEXT NOT NULL,
    byte_offset BIGINT NOT NULL,
    line BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
