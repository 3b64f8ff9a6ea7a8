// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Strict RLP decoding over memory (canonical encodings only), as the Merkle-Patricia verifier needs.
library RLPReader {
    /// @notice A view of an RLP item in memory: `ptr` points at its first (prefix) byte.
    struct RLPItem {
        uint256 length;
        uint256 ptr;
    }

    /// @notice Trie nodes have at most 17 items.
    uint256 internal constant MAX_LIST_LENGTH = 32;

    function toRLPItem(bytes memory _in) internal pure returns (RLPItem memory) {
        require(_in.length > 0, "RLPReader: empty item");
        uint256 ptr;
        assembly {
            ptr := add(_in, 32)
        }
        return RLPItem({ length: _in.length, ptr: ptr });
    }

    function readList(RLPItem memory _in) internal pure returns (RLPItem[] memory out_) {
        (uint256 listOffset, uint256 listLength, bool isList) = _decodeLength(_in);
        require(isList, "RLPReader: not a list");
        require(listOffset + listLength == _in.length, "RLPReader: list has an invalid remainder");
        out_ = new RLPItem[](MAX_LIST_LENGTH);
        uint256 itemCount = 0;
        uint256 offset = listOffset;
        while (offset < _in.length) {
            require(itemCount < MAX_LIST_LENGTH, "RLPReader: list too long");
            (uint256 itemOffset, uint256 itemLength,) =
                _decodeLength(RLPItem({ length: _in.length - offset, ptr: _in.ptr + offset }));
            out_[itemCount] = RLPItem({ length: itemOffset + itemLength, ptr: _in.ptr + offset });
            itemCount += 1;
            offset += itemOffset + itemLength;
        }
        assembly {
            mstore(out_, itemCount)
        }
    }

    function readList(bytes memory _in) internal pure returns (RLPItem[] memory) {
        return readList(toRLPItem(_in));
    }

    /// @notice The payload of a data item.
    function readBytes(RLPItem memory _in) internal pure returns (bytes memory) {
        (uint256 itemOffset, uint256 itemLength, bool isList) = _decodeLength(_in);
        require(!isList, "RLPReader: not a data item");
        require(_in.length == itemOffset + itemLength, "RLPReader: data item has an invalid remainder");
        return _copy(_in.ptr + itemOffset, itemLength);
    }

    /// @notice The whole encoding of an item, prefix included.
    function readRawBytes(RLPItem memory _in) internal pure returns (bytes memory) {
        return _copy(_in.ptr, _in.length);
    }

    /// @return offset_ bytes of prefix, length_ bytes of payload, isList_ whether the item is a list.
    function _decodeLength(RLPItem memory _in)
        private
        pure
        returns (uint256 offset_, uint256 length_, bool isList_)
    {
        require(_in.length > 0, "RLPReader: empty item");
        uint256 ptr = _in.ptr;
        uint256 prefix;
        assembly {
            prefix := byte(0, mload(ptr))
        }
        if (prefix <= 0x7f) return (0, 1, false);
        if (prefix <= 0xb7) {
            uint256 strLen = prefix - 0x80;
            require(_in.length > strLen, "RLPReader: short string too long");
            if (strLen == 1) {
                uint256 firstByte;
                assembly {
                    firstByte := byte(0, mload(add(ptr, 1)))
                }
                require(firstByte >= 0x80, "RLPReader: non-canonical single byte");
            }
            return (1, strLen, false);
        }
        if (prefix <= 0xbf) {
            (uint256 lenOfLen, uint256 strLen) = _longLength(_in, prefix - 0xb7);
            return (1 + lenOfLen, strLen, false);
        }
        if (prefix <= 0xf7) {
            uint256 listLen = prefix - 0xc0;
            require(_in.length > listLen, "RLPReader: short list too long");
            return (1, listLen, true);
        }
        (uint256 lenOfListLen, uint256 longListLen) = _longLength(_in, prefix - 0xf7);
        return (1 + lenOfListLen, longListLen, true);
    }

    function _longLength(RLPItem memory _in, uint256 _lenOfLen) private pure returns (uint256, uint256 len_) {
        require(_in.length > _lenOfLen, "RLPReader: long length out of bounds");
        uint256 ptr = _in.ptr;
        uint256 firstByte;
        assembly {
            firstByte := byte(0, mload(add(ptr, 1)))
            len_ := shr(sub(256, mul(8, _lenOfLen)), mload(add(ptr, 1)))
        }
        require(firstByte != 0, "RLPReader: length has leading zeros");
        require(len_ > 55, "RLPReader: non-canonical long length");
        require(_in.length > _lenOfLen + len_, "RLPReader: long item out of bounds");
        return (_lenOfLen, len_);
    }

    function _copy(uint256 _src, uint256 _length) private pure returns (bytes memory out_) {
        out_ = new bytes(_length);
        assembly {
            mcopy(add(out_, 32), _src, _length)
        }
    }
}
