/** 1,234,567: by hand, because the first toLocaleString loads ICU data (tens of ms at start-up). */
export const groupDigits = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
