-- metadata holds only the org's defined custom fields, each of its type; required ones are present.
create or replace function crm.check_company_metadata() returns trigger
    language plpgsql
    set search_path = pg_catalog, pg_temp
    as $$
declare
    f record;
    v jsonb;
    ok boolean;
begin
    if core.restoring() then
        return new; -- an organization import keeps the exported values (ADR 0023)
    end if;
    for f in
        select m.key as meta_key, d.key, d.field_type, d.options, d.required
          from jsonb_object_keys(new.metadata) m(key)
          full join (select c.key, c.field_type, c.options, c.required from crm.custom_fields c
                      where c.org_id = new.org_id and c.entity = 'company') d on d.key = m.key
    loop
        if f.key is null then
            raise exception 'Unknown custom field "%"', left(f.meta_key, 64) using errcode = 'OD400', hint = 'metadata';
        end if;
        v := new.metadata -> f.key;
        if v is null or v = 'null'::jsonb then
            if f.required then
                raise exception 'Custom field "%" is required', f.key using errcode = 'OD400', hint = 'metadata.' || f.key;
            end if;
            continue;
        end if;
        ok := case f.field_type
                   when 'text' then jsonb_typeof(v) = 'string' and char_length(v #>> '{}') <= 2000
                   when 'number' then jsonb_typeof(v) = 'number'
                   when 'boolean' then jsonb_typeof(v) = 'boolean'
                   when 'date' then jsonb_typeof(v) = 'string' and crm.is_iso_date(v #>> '{}')
                   when 'select' then jsonb_typeof(v) = 'string' and (v #>> '{}') = any (f.options)
              end;
        if not ok then
            raise exception 'Custom field "%" must be a valid %', f.key, f.field_type using errcode = 'OD400', hint = 'metadata.' || f.key;
        end if;
    end loop;
    return new;
end $$;
