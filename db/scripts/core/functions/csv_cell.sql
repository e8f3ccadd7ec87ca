-- A text cell of an organization export (ADR 0023), safe to open in a spreadsheet: a cell starting with
-- = + - @ tab or CR would run as a formula, so it gets a leading apostrophe; so does a cell that already
-- starts with one, which makes the import's rule exact: it removes one leading apostrophe, always.
create or replace function core.csv_cell(p_value text) returns text
    language sql immutable parallel safe
    as $$ select case when left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r', '''') then '''' || p_value else p_value end $$;

grant execute on function core.csv_cell(text) to opsdash_app;
