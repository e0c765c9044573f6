import { ColumnMappingError, parseColumnMapping } from './column-mapping';

function mappingError(spec: string): ColumnMappingError {
  try {
    parseColumnMapping(spec);
  } catch (error) {
    if (error instanceof ColumnMappingError) return error;
    throw error;
  }
  throw new Error(`no error for ${spec}`);
}

describe('parseColumnMapping', () => {
  it('reads the Online Retail mapping', () => {
    expect(parseColumnMapping('customer=CustomerID,date=InvoiceDate,quantity=Quantity,price=UnitPrice,order=InvoiceNo')).toEqual({
      customer: 'CustomerID',
      date: 'InvoiceDate',
      quantity: 'Quantity',
      price: 'UnitPrice',
      order: 'InvoiceNo',
    });
  });

  it('trims, allows spaces in column names and every optional key', () => {
    expect(
      parseColumnMapping(
        ' customer = Customer Id , date=Order Date,amount=Total,email=E-mail,country=Ship Country,status=State,refunded=Refunded,' +
          'discountCode=Coupon,category=Type,product=Item,currency=Cur,',
      ),
    ).toEqual({
      customer: 'Customer Id',
      date: 'Order Date',
      amount: 'Total',
      email: 'E-mail',
      country: 'Ship Country',
      status: 'State',
      refunded: 'Refunded',
      discountCode: 'Coupon',
      category: 'Type',
      product: 'Item',
      currency: 'Cur',
    });
  });

  it.each([
    ['customer=C,date=D,amount=A,colour=Red', 'colour', "column mapping: key 'colour': unknown key (expected one of customer, date, order, amount, quantity, price, email, country, status, refunded, discountCode, category, product, currency)"],
    ['customer=C,date=D,amount', 'amount', "column mapping: key 'amount': expected key=Column, got 'amount'"],
    ['customer=C,date=,amount=A', 'date', "column mapping: key 'date': no column name after ="],
    ['customer=C,date=D,amount=A,customer=E', 'customer', "column mapping: key 'customer': given twice"],
    ['date=D,amount=A', 'customer', "column mapping: key 'customer': required (the column with the customer's id)"],
    ['customer=C,amount=A', 'date', "column mapping: key 'date': required (the column with the order date)"],
    ['customer=C,date=D', 'amount', "column mapping: key 'amount': required, or both quantity and price (amount = quantity x price)"],
    ['customer=C,date=D,quantity=Q', 'price', "column mapping: key 'price': required with quantity when there is no amount"],
    ['customer=C,date=D,price=P', 'quantity', "column mapping: key 'quantity': required with price when there is no amount"],
  ])('rejects %s naming the key', (spec, key, message) => {
    const error = mappingError(spec);
    expect([error.key, error.message]).toEqual([key, message]);
  });
});
