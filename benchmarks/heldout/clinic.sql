-- A small outpatient clinic, written as plain DDL with no name prefixes: the held-out benchmark's
-- hand-written schema. Nullable foreign keys, a self-reference (staff -> staff as supervisor,
-- departments -> departments as parent) and one-to-ones (patient_portal_accounts, medical_records).
CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    parent_department_id INTEGER REFERENCES departments(id),
    floor INTEGER
);
CREATE TABLE doctors (
    id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    license_number TEXT NOT NULL UNIQUE,
    specialty TEXT,
    email TEXT,
    phone_number TEXT,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    hired_on DATE
);
CREATE TABLE staff_members (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    job_title TEXT NOT NULL,
    work_email TEXT,
    supervisor_id INTEGER REFERENCES staff_members(id),
    department_id INTEGER REFERENCES departments(id)
);
CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    email TEXT,
    mobile_phone TEXT,
    primary_doctor_id INTEGER REFERENCES doctors(id),
    registered_at TIMESTAMP NOT NULL
);
CREATE TABLE patient_portal_accounts (
    patient_id INTEGER PRIMARY KEY REFERENCES patients(id),
    login_name TEXT NOT NULL UNIQUE,
    last_login_at TIMESTAMP
);
CREATE TABLE medical_records (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL UNIQUE REFERENCES patients(id),
    blood_type TEXT,
    allergies TEXT,
    opened_on DATE NOT NULL
);
CREATE TABLE rooms (
    id INTEGER PRIMARY KEY,
    room_code TEXT NOT NULL UNIQUE,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    capacity INTEGER
);
CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    doctor_id INTEGER NOT NULL REFERENCES doctors(id),
    room_id INTEGER REFERENCES rooms(id),
    scheduled_start TIMESTAMP NOT NULL,
    scheduled_end TIMESTAMP,
    status TEXT NOT NULL,
    booked_by_staff_id INTEGER REFERENCES staff_members(id)
);
CREATE TABLE diagnoses (
    id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    icd10_code TEXT NOT NULL,
    notes TEXT
);
CREATE TABLE medications (
    id INTEGER PRIMARY KEY,
    brand_name TEXT NOT NULL,
    generic_name TEXT,
    unit_price NUMERIC(10, 2)
);
CREATE TABLE prescriptions (
    id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    medication_id INTEGER NOT NULL REFERENCES medications(id),
    dosage TEXT NOT NULL,
    refills_allowed INTEGER NOT NULL DEFAULT 0,
    prescribed_on DATE NOT NULL
);
CREATE TABLE insurance_providers (
    id INTEGER PRIMARY KEY,
    company_name TEXT NOT NULL,
    contact_phone TEXT,
    contact_email TEXT
);
CREATE TABLE insurance_policies (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    provider_id INTEGER NOT NULL REFERENCES insurance_providers(id),
    policy_number TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE
);
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    policy_id INTEGER REFERENCES insurance_policies(id),
    total_amount NUMERIC(10, 2) NOT NULL,
    tax_amount NUMERIC(10, 2),
    issued_on DATE NOT NULL,
    due_date DATE
);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    amount_paid NUMERIC(10, 2) NOT NULL,
    paid_at TIMESTAMP NOT NULL,
    method TEXT NOT NULL
);
CREATE TABLE lab_orders (
    id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    test_name TEXT NOT NULL,
    ordered_at TIMESTAMP NOT NULL
);
CREATE TABLE lab_results (
    id INTEGER PRIMARY KEY,
    lab_order_id INTEGER NOT NULL UNIQUE REFERENCES lab_orders(id),
    result_value TEXT,
    reviewed_by_doctor_id INTEGER REFERENCES doctors(id),
    reported_at TIMESTAMP
);
CREATE TABLE holidays (
    day DATE PRIMARY KEY,
    label TEXT NOT NULL
);
