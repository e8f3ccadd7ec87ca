-- crm: quotes for deals (issue 9, item 5; Pro: crm:quotes). Money is numeric with a currency, never
-- floating point. A quote's amounts are computed in one place, the views crm.quote_lines and
-- crm.quote_totals: the API and the PDF both read them.
--
-- Rounding, per line, to the cent, half away from zero (PostgreSQL's round(numeric)):
--   net      = round(quantity * unit_price, 2)
--   discount = round(net * discount_percent / 100, 2)
--   tax      = round((net - discount) * tax_percent / 100, 2)
--   total    = net - discount + tax
-- and the quote's subtotal, discount, tax and total are the sums of its lines' (so the lines always
-- add up to the total printed under them).

-- Quote numbers run 1, 2, 3... per org without gaps: the counter row is locked by the update that
-- takes the next number and released at commit; a rolled-back quote hands its number back.
create table crm.quote_numbers (
    org_id      uuid    not null,
    last_number integer not null constraint ck_quote_numbers_last_number check (last_number > 0),
    constraint pk_quote_numbers primary key (org_id),
    constraint fk_quote_numbers_org_id foreign key (org_id) references organizations.organizations (id)
);

create table crm.quotes (
    org_id      uuid        not null,
    id          uuid        not null,
    deal_id     uuid        not null,
    number      integer     not null constraint ck_quotes_number check (number > 0),
    title       text        not null constraint ck_quotes_title check (char_length(btrim(title)) between 1 and 200),
    currency    text        not null constraint ck_quotes_currency check (crm.is_currency(currency)),
    issued_on   date        not null default current_date,
    valid_until date        not null,
    notes       text        constraint ck_quotes_notes check (char_length(notes) <= 5000),
    status      text        not null default 'draft' constraint ck_quotes_status check (status in ('draft', 'sent', 'accepted', 'declined')),
    created_by  uuid,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    deleted_at  timestamptz,
    constraint pk_quotes primary key (org_id, id),
    constraint uq_quotes_number unique (org_id, number),
    constraint ck_quotes_valid_until check (valid_until >= issued_on and valid_until <= issued_on + 366 * 2),
    constraint fk_quotes_org_id foreign key (org_id) references organizations.organizations (id),
    constraint fk_quotes_deal_id foreign key (org_id, deal_id) references crm.deals (org_id, id)
);
create trigger quotes_touch before update on crm.quotes for each row execute function core.touch_updated_at();
create index ix_quotes_deal_id on crm.quotes (org_id, deal_id, number);

create table crm.quote_items (
    org_id           uuid          not null,
    quote_id         uuid          not null,
    position         smallint      not null constraint ck_quote_items_position check (position between 0 and 199),
    description      text          not null constraint ck_quote_items_description check (char_length(btrim(description)) between 1 and 2000),
    quantity         numeric(12,3) not null constraint ck_quote_items_quantity check (quantity > 0),
    unit_price       numeric(14,2) not null constraint ck_quote_items_unit_price check (unit_price >= 0),
    discount_percent numeric(5,2)  not null default 0 constraint ck_quote_items_discount_percent check (discount_percent between 0 and 100),
    tax_percent      numeric(5,2)  not null default 0 constraint ck_quote_items_tax_percent check (tax_percent between 0 and 100),
    constraint pk_quote_items primary key (org_id, quote_id, position),
    constraint fk_quote_items_quote_id foreign key (org_id, quote_id) references crm.quotes (org_id, id) on delete cascade
);

-- security_invoker: the views read the tables as the caller, under their row-level security.
create view crm.quote_lines with (security_invoker = true) as
select i.org_id, i.quote_id, i.position, i.description, i.quantity, i.unit_price, i.discount_percent, i.tax_percent,
       n.net, d.discount, n.net - d.discount + t.tax as total, t.tax
  from crm.quote_items i
 cross join lateral (select round(i.quantity * i.unit_price, 2) as net) n
 cross join lateral (select round(n.net * i.discount_percent / 100, 2) as discount) d
 cross join lateral (select round((n.net - d.discount) * i.tax_percent / 100, 2) as tax) t;

create view crm.quote_totals with (security_invoker = true) as
select l.org_id, l.quote_id, count(*)::integer as item_count,
       sum(l.net) as subtotal, sum(l.discount) as discount, sum(l.tax) as tax, sum(l.total) as total
  from crm.quote_lines l
 group by l.org_id, l.quote_id;

alter table crm.quote_numbers enable row level security;
alter table crm.quote_numbers force row level security;
alter table crm.quotes enable row level security;
alter table crm.quotes force row level security;
alter table crm.quote_items enable row level security;
alter table crm.quote_items force row level security;

create policy quote_numbers_select on crm.quote_numbers for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy quote_numbers_insert on crm.quote_numbers for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy quote_numbers_update on crm.quote_numbers for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

create policy quotes_select on crm.quotes for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy quotes_insert on crm.quotes for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));
create policy quotes_update on crm.quotes for update to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]))
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

create policy quote_items_select on crm.quote_items for select to opsdash_app
    using (org_id = core.current_org_id() and org_id = any ((select members.member_org_ids())::uuid[]));
create policy quote_items_insert on crm.quote_items for insert to opsdash_app
    with check (org_id = core.current_org_id() and org_id = any ((select members.writer_org_ids())::uuid[]));

grant select, insert on crm.quote_numbers to opsdash_app;
grant update (last_number) on crm.quote_numbers to opsdash_app;
grant select, insert on crm.quotes to opsdash_app;
grant update (status, deleted_at) on crm.quotes to opsdash_app;
grant select, insert on crm.quote_items to opsdash_app;
grant select on crm.quote_lines, crm.quote_totals to opsdash_app;
